"""Store a checked upload (type, size, content, virus scan: ``cases.uploads``) for later attachment."""

from __future__ import annotations

from django.core.files.base import ContentFile

from tongban.accounts.principal import Principal
from tongban.cases.models import Upload
from tongban.cases.uploads import check_upload
from tongban.utils.errors import Forbidden


def store_upload(principal: Principal, *, name: str, data: bytes, declared_type: str = "") -> Upload:
    if principal.user is None:
        raise Forbidden()
    checked = check_upload(name, data, declared_type)
    upload = Upload(
        owner=principal.user,
        original_name=checked.name,
        size=checked.size,
        sha256=checked.sha256,
        mime=checked.mime,
    )
    # The stored name is the hash: nothing the applicant typed reaches the file system.
    upload.file.save(f"{checked.sha256}.{checked.extension}", ContentFile(data), save=False)
    upload.save()
    return upload
