"Helpers for the e-commerce proteus scenarios"
from proteus import Model


def create_staff(login, company, group_name="E-commerce Manager", config=None):
    "A user of ``company`` in the group named ``group_name``"
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    Company = Model.get('company.company', config=config)
    group, = Group.find([('name', '=', group_name)])
    user = User(name=login.title(), login=login)
    user.companies.append(Company(company.id))
    user.company = Company(company.id)
    user.groups.append(group)
    user.save()
    return user
