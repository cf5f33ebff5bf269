from django import forms
from django.utils.translation import gettext_lazy as _


class PersonLookupForm(forms.Form):
    id_number = forms.CharField(label=_("Applicant's ID number"), max_length=18, min_length=18)
    purpose = forms.CharField(label=_("Purpose (recorded)"), max_length=100, min_length=2)
