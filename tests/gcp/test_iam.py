"""IAM members -> who they are and where they come from; KMS key names -> where the key lives (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from auditor.connectors.gcp.iam import grant, key_location, key_ref, permission
from auditor.model.inventory import KeyManager, Permission, PrincipalKind
from auditor.model.vocab import GrantSource

ORG = "468213579024"


def _g(member: str, role: str = "roles/storage.objectViewer"):
    return grant(member, role, GrantSource.BUCKET_POLICY, ORG, ["chu-exemple.fr"])


def test_member_forms() -> None:
    assert _g("allUsers").principal_kind is PrincipalKind.PUBLIC
    assert _g("allAuthenticatedUsers").principal_kind is PrincipalKind.ANY_AUTHENTICATED
    assert (_g("user:a@chu-exemple.fr").home, _g("user:a@CHU-EXEMPLE.FR").home) == (ORG, ORG)
    assert _g("group:g@partner.org").home == "partner.org"
    assert (_g("domain:partner.org").principal_kind, _g("domain:partner.org").home) == (PrincipalKind.GROUP,
                                                                                        "partner.org")
    sa = _g("serviceAccount:etl@other-project.iam.gserviceaccount.com")
    assert (sa.principal_kind, sa.home) == (PrincipalKind.SERVICE, "other-project")
    assert _g("projectViewer:chu-data").home == "chu-data"
    assert _g("principalSet://iam.googleapis.com/locations/global/workforcePools/p/*").home is None


def test_roles_to_permissions() -> None:
    assert permission("roles/storage.objectViewer") is Permission.READ
    assert permission("roles/storage.objectCreator") is Permission.WRITE
    assert permission("roles/storage.admin") is Permission.ADMIN
    assert permission("roles/owner") is Permission.ADMIN


def test_a_key_name_says_where_its_key_ring_is() -> None:
    name = "projects/p/locations/europe-west9/keyRings/r/cryptoKeys/k/cryptoKeyVersions/3"
    ref = key_ref(name, str.lower, "us")
    assert (ref.manager, ref.region, ref.key_id) == (KeyManager.CUSTOMER, "europe-west9",
                                                      "projects/p/locations/europe-west9/keyRings/r/cryptoKeys/k")
    assert key_location(name) == "europe-west9"
    assert key_ref(None, str.lower, "us").manager is KeyManager.PROVIDER
    assert key_ref("not-a-key-name", str.lower, "us").region is None  # unknown, never the store's region


@given(st.text(max_size=80), st.text(max_size=40))
def test_any_member_text_gives_a_grant_and_only_allusers_is_public(member: str, role: str) -> None:
    found = grant(member, role, GrantSource.BUCKET_POLICY, ORG, [])
    assert (found.principal_kind is PrincipalKind.PUBLIC) == (member == "allUsers")
