"""The benchmark's world: a fresh SQLite file with the demo data set, its applicant, staff and applications.

The demo loader (``load_demo``) gives the real catalogue: the item 食品经营许可 and the bundle
``open-restaurant`` (开办餐饮店一件事, four items of three departments), the enterprise
上海示例餐饮管理有限公司 whose legal representative is ``biz_owner``, her 居民身份证 and the company's
营业执照 in the licence library, and the staff of the front desk and the departments.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[2]
for _path in (ROOT / "src", ROOT):  # the project's sources, whichever way the benchmark was started
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

if TYPE_CHECKING:
    from tongban.accounts.models import LegalPerson, User
    from tongban.accounts.principal import Principal
    from tongban.cases.models import Task, Upload
    from tongban.cases.services.submission import Application
    from tongban.cases.targets import Target

APPLICANT = "biz_owner"
ENTERPRISE = "上海示例餐饮管理有限公司"
ITEM_NAME = "食品经营许可"
BUNDLE = "open-restaurant"

# A minimal valid PDF; each upload gets its own comment line, so no two files are the same.
PDF_HEAD = b"%PDF-1.4\n"
PDF_BODY = (
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# Answers for the demo catalogue's form fields; a field not listed here is answered by its kind.
ANSWERS: dict[str, Any] = {
    "company_name": ENTERPRISE,
    "legal_rep_name": "周演示",
    "business_address": "上海市黄浦区示例路1号一层",
    "registered_address": "上海市黄浦区示例路1号一层",
    "business_scope": "许可项目：餐饮服务。一般项目：食品销售（仅销售预包装食品）。",
    "main_business_type": "餐饮服务经营者",
    "business_items": "热食类食品制售；冷食类食品制售",
    "shop_area": 120,
    "drainage_volume": 8,
    "employee_count": 12,
    "registered_capital": 100,
    "contact_person": "周演示",
    "tax_officer_name": "周演示",
    "bank_account_company": "31001234567890123456",
}


def pdf(n: int) -> bytes:
    return PDF_HEAD + f"%tongban-bench-{n:08d}\n".encode("ascii") + PDF_BODY


def setup_django(db: Path, media: Path) -> None:
    """``bench.cases.settings`` on a fresh SQLite file (WAL as configured) and media folder; migrated."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(media, ignore_errors=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    media.mkdir(parents=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.cases.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["TONGBAN_MEDIA_ROOT"] = str(media)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def sqlite_mode() -> str:
    """``journal_mode``/``synchronous`` of the connection the benchmark uses, to print with the set-up."""
    from django.db import connection

    with connection.cursor() as cur:
        mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
        sync = cur.execute("PRAGMA synchronous").fetchone()[0]
    return (
        f"journal_mode={mode}, synchronous={ {0: 'OFF', 1: 'NORMAL', 2: 'FULL', 3: 'EXTRA'}.get(sync, sync) }"
    )


@dataclass
class World:
    applicant: User
    enterprise: LegalPerson
    item_code: str
    bundle: str = BUNDLE
    uploads_made: int = 0
    _principal: Principal | None = field(default=None, repr=False)

    @property
    def principal(self) -> Principal:
        """The applicant acting for the enterprise, as the ``X-Acting-For`` header makes her."""
        if self._principal is None:
            from tongban.accounts.principal import Principal
            from tongban.accounts.services import select_acting_for

            p = Principal(user=self.applicant)
            rep = select_acting_for(principal=p, legal_person=self.enterprise)
            p.acting_for, p.representation = rep.legal_person, rep
            self._principal = p
        return self._principal

    def next_pdf(self) -> tuple[str, bytes]:
        self.uploads_made += 1
        return f"材料-{self.uploads_made:06d}.pdf", pdf(self.uploads_made)

    def store_upload(self) -> Upload:
        """One upload through the service (the checks, the scan, the file and its row)."""
        from tongban.cases.services import files

        name, data = self.next_pdf()
        return files.store_upload(self.principal, name=name, data=data, declared_type="application/pdf")


def load_world() -> World:
    """Run the demo loader and find the applicant, her enterprise and the item."""
    from tongban.accounts.models import LegalPerson, User
    from tongban.demo.loader import load_demo
    from tongban.items.models import ServiceItem

    load_demo()
    item = ServiceItem.objects.published().filter(name=ITEM_NAME).order_by("code").first()
    if item is None:
        raise SystemExit(f"the demo catalogue has no published item {ITEM_NAME}")
    return World(
        applicant=User.objects.get(username=APPLICANT),
        enterprise=LegalPerson.objects.get(name=ENTERPRISE),
        item_code=item.code,
    )


@dataclass(frozen=True)
class Recipe:
    """What one application of a target needs: its answers, the materials to upload, the consents."""

    target_kind: str
    target_code: str
    form: dict[str, Any]
    uploads: tuple[str, ...]  # material kind codes to upload
    consents: tuple[str, ...]  # material kind codes fetched from the licence library


def recipe(world: World, target_kind: str, target_code: str) -> Recipe:
    from tongban.cases.targets import resolve

    target = resolve(target_kind, target_code)
    uploads, consents = [], []
    for m in target.materials:
        exemption = m.exemption
        if exemption.exempt and exemption.basis == "e_license":
            consents.append(m.kind.code)
        elif exemption.exempt:
            continue  # shared data / issued by the city: nothing to give
        elif m.required:
            uploads.append(m.kind.code)
    return Recipe(target_kind, target_code, _form(world, target), tuple(uploads), tuple(consents))


def _form(world: World, target: Target) -> dict[str, Any]:
    person = world.applicant.person
    by_kind: dict[str, Any] = {
        "number": 1,
        "id_number": person.id_number,
        "uscc": world.enterprise.uscc,
        "phone": person.mobile or "13800138006",
        "date": "2026-01-05",
        "email": "bench@example.com",
    }
    form: dict[str, Any] = {}
    for f in target.fields:
        if f.key in ANSWERS:
            form[f.key] = ANSWERS[f.key]
        elif f.kind == "choice" and f.options:
            form[f.key] = f.options[0]["value"]
        else:
            form[f.key] = by_kind.get(f.kind, "示例")
    return form


def application(r: Recipe, upload_ids: list[str]) -> Application:
    from tongban.cases.services.submission import Application, MaterialInput

    return Application(
        target_kind=r.target_kind,
        target_code=r.target_code,
        form=dict(r.form),
        materials=[MaterialInput(kind, uid) for kind, uid in zip(r.uploads, upload_ids, strict=True)],
        consents=list(r.consents),
    )


def payload(r: Recipe, upload_ids: list[str]) -> dict[str, Any]:
    """The JSON body of ``POST /api/v1/cases``."""
    return {
        "target_kind": r.target_kind,
        "target_code": r.target_code,
        "form": dict(r.form),
        "materials": [{"kind": k, "upload": u} for k, u in zip(r.uploads, upload_ids, strict=True)],
        "consents": list(r.consents),
    }


def staff_for(task: Task) -> Principal:
    """A demo staff member who may complete ``task`` (its department and role)."""
    from tongban.accounts.models import StaffProfile
    from tongban.accounts.principal import Principal
    from tongban.cases.policies import may_work_on

    assert task.department_id is not None, f"task {task.pk} has no department"
    for profile in StaffProfile.objects.filter(department_id=task.department_id).select_related("user"):
        p = Principal(user=profile.user)
        if may_work_on(p, task):
            return p
    raise SystemExit(f"no demo staff may complete task {task.pk} ({task.kind}, {task.department})")


def pad_library(world: World, recipe: Recipe, n: int) -> int:
    """Copy each licence the recipe fetches from the library ``n`` times for made-up holders (raw SQL,
    unsigned, outside any status list), so that the library's look-ups run at a city's scale; returns
    the rows added. The copies share the type and issuer of the original, only the holder differs."""
    from django.db import connection, transaction

    from tongban.cases.services.submission import applicant_of
    from tongban.items.models import MaterialKind
    from tongban.licenses.models import License

    applicant = applicant_of(world.principal)
    types = MaterialKind.objects.filter(code__in=recipe.consents).values_list("license_type_id", flat=True)
    sources = License.objects.filter(
        holder_hash__in=[applicant.holder.hash, applicant.person_holder.hash], license_type_id__in=list(types)
    ).values_list("pk", flat=True)
    table = License._meta.db_table
    with connection.cursor() as cur:
        columns = [c.name for c in connection.introspection.get_table_description(cur, table)]
    made = {
        "id": "NULL",
        "identifier": "identifier || '-' || n",
        "number": "number || '-' || n",
        "holder_hash": "printf('%064d', n)",  # no real holder hash is all digits
        "status_list_id": "NULL",
        "status_index": "NULL",
    }
    names = ", ".join(f'"{c}"' for c in columns)
    select = ", ".join(made.get(c, f'"{c}"') for c in columns)
    before = License.objects.count()
    with transaction.atomic(), connection.cursor() as cur:
        for pk in sources:
            cur.execute(
                f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %s) "
                f'INSERT INTO "{table}" ({names}) '
                f'SELECT {select} FROM "{table}", seq WHERE "{table}"."id" = %s',
                [n, pk],
            )
    return License.objects.count() - before
