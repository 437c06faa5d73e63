"""Navigation menus of a web shop (main, footer...): items pointing at a
category, a page, a post, a product or an address, ordered and nested."""
import re

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered, tree
from trytond.model.exceptions import ValidationError
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .banner import LinkMixin
from .content import OwnTranslations

CODE = re.compile(r'^[a-z0-9_-]{2,40}$')


class Menu(ModelSQL, ModelView):
    "Navigation menu"
    __name__ = 'ecom.content.menu'
    __string__ = "Navigation Menu"
    company = fields.Many2One('company.company', "Company", required=True)
    shop = fields.Many2One('web.shop', "Web Shop", required=True,
        domain=[('company', '=', Eval('company', -1))])
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True,
        help="What the storefront asks for, e.g. main or footer.")
    items = fields.One2Many('ecom.content.menu.item', 'menu', "Items",
        filter=[('parent', '=', None)])

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def validate_fields(cls, menus, field_names):
        super().validate_fields(menus, field_names)
        for menu in menus:
            if not CODE.match(menu.code or ''):
                raise ValidationError(gettext('ecom_content.msg_menu_code',
                        menu=menu.rec_name, code=menu.code))
            if cls.search([('id', '!=', menu.id), ('shop', '=', menu.shop.id),
                        ('code', '=', menu.code)], limit=1):
                raise ValidationError(gettext(
                        'ecom_content.msg_menu_code_taken',
                        menu=menu.rec_name, code=menu.code))

    def tree(self, language):
        "The items as nested dictionaries, in order"
        def node(item):
            return {'label': item.label, 'link': item.link(
                    self.shop, language),
                'children': [node(c) for c in item.children]}
        return [node(i) for i in self.items]


class MenuItem(OwnTranslations, sequence_ordered(), tree(), LinkMixin,
        ModelSQL, ModelView):
    "Navigation menu item"
    __name__ = 'ecom.content.menu.item'
    __string__ = "Navigation Menu Item"
    menu = fields.Many2One('ecom.content.menu', "Menu", required=True,
        ondelete='CASCADE')
    company = fields.Function(fields.Many2One('company.company', "Company"),
        'on_change_with_company')
    parent = fields.Many2One('ecom.content.menu.item', "Parent",
        ondelete='CASCADE',
        domain=[('menu', '=', Eval('menu', -1))])
    children = fields.One2Many('ecom.content.menu.item', 'parent',
        "Children", domain=[('menu', '=', Eval('menu', -1))])
    label = fields.Char("Label", required=True, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('menu')

    @classmethod
    def preprocess_values(cls, mode, values):
        "A child item is in its parent's menu"
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('menu') and values.get(
                'parent'):
            values['menu'] = cls(values['parent']).menu.id
        return values

    @fields.depends('menu', '_parent_menu.company')
    def on_change_with_company(self, name=None):
        return self.menu.company if self.menu else None
