from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('ecom.content.page|update_states', "Publish Scheduled Pages"),
                ('ecom.content.post|update_states', "Publish Scheduled Posts"),
                ('ecom.content.banner|update_states',
                    "Publish Scheduled Banners"),
                ('ecom.content.seo_issue|check_all', "Check SEO"),
                ])
