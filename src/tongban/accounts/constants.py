from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class PrincipalKind(models.TextChoices):
    NATURAL_PERSON = "natural_person", _("Natural person")
    STAFF = "staff", _("Staff")


class LegalPersonKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business (个体工商户)")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")


class RepresentationRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative (法定代表人)")
    AGENT = "agent", _("Authorised agent (经办人)")


class RepresentationScope(models.TextChoices):
    """What an agent may do for the legal person. Legal representatives hold all of them."""

    APPLY = "apply", _("Apply for services")
    VIEW_CASES = "view_cases", _("View cases")
    VIEW_LICENSES = "view_licenses", _("View licences")
    PAY = "pay", _("Pay fees")
    MANAGE_AGENTS = "manage_agents", _("Manage agents")


class StaffRole(models.TextChoices):
    WINDOW_CLERK = "window_clerk", _("Window clerk (窗口受理)")
    REVIEWER = "reviewer", _("Reviewer (审批)")
    SECTION_CHIEF = "section_chief", _("Section chief (科室负责人)")
    SUPERVISOR = "supervisor", _("Supervisor (电子监察)")
    ADMINISTRATOR = "administrator", _("Administrator (管理员)")
    PROCESS_DESIGNER = "process_designer", _("Process designer (流程设计)")
    FINANCE = "finance", _("Finance (财务)")
    SERVICE_DESK = "service_desk", _("Service desk agent (客服)")


# Scopes a personal access token can carry. Session sign-ins hold all of them.
API_SCOPES: dict[str, Any] = {
    "profile:read": _("Read your own profile"),
    "profile:write": _("Change your own profile"),
    "representations:read": _("See whom you act for"),
    "representations:write": _("Grant and revoke agents"),
    "audit:read": _("Read audit events you may see"),
    "workbench": _("Staff work in your department"),
    "licenses:read": _("Read your licences and who used them"),
    "licenses:write": _("Show your licences, grant consent and report licence errors"),
    "cases:read": _("Read your cases"),
    "cases:write": _("Apply, supplement and withdraw cases"),
    "tickets:read": _("Read your questions and complaints"),
    "tickets:write": _("Ask questions, complain, reply to and rate answers"),
}
