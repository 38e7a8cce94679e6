"""The canned tenant's Entra ID, as Microsoft Graph answers it.

Users (two pages, the first call throttled), their MFA registration details, directory
roles with the privilege flag Microsoft sets on role definitions, group members,
security defaults and conditional-access policies. Expected values are stated next to
the data that decides them.
"""

from __future__ import annotations

from typing import Any

from tests.providers.azure.azure_server import AzureServer
from tests.providers.azure.scenario import (
    ADMINS,
    ALICE,
    BOB,
    CAROL,
    DAVE,
    DEPLOY_SP,
    ERIN,
    FRANK,
    GRAPH,
    TENANT,
    VENDOR_TENANT,
    VM_MI,
)

#: A group excluded from the all-users MFA policy; CAROL is its only member.
MFA_EXCLUDED = "07000000-0000-4000-8000-0000000e8c1d"
GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"  # privileged, no "Administrator"
DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
EXCHANGE_ADMIN = "29232cdf-9323-42fd-ade2-1d097af3e4de"  # "Administrator", not privileged


def user(object_id: str, upn: str, *, enabled: bool = True, user_type: str = "Member",
         signed_in: str | None = "2026-11-20T08:00:00Z", attempted: str | None = None,
         mail: str | None = None, employee_id: str | None = None) -> dict[str, Any]:
    """A Graph user; ``attempted`` is a later failed interactive sign-in (it moves
    ``lastSignInDateTime`` but not ``lastSuccessfulSignInDateTime``)."""
    activity = None if signed_in is None else {
        "lastSignInDateTime": attempted or signed_in, "lastSignInRequestId": "req-1",
        "lastNonInteractiveSignInDateTime": attempted or signed_in,
        "lastNonInteractiveSignInRequestId": "req-2",
        "lastSuccessfulSignInDateTime": signed_in, "lastSuccessfulSignInRequestId": "req-1"}
    return {"id": object_id, "displayName": upn.split("@")[0], "userPrincipalName": upn,
            "mail": mail, "employeeId": employee_id,
            "accountEnabled": enabled, "userType": user_type,
            "createdDateTime": "2024-04-01T09:00:00Z", "creationType": None,
            "externalUserState": "Accepted" if user_type == "Guest" else None,
            "signInActivity": activity}


def registration(object_id: str, upn: str, registered: bool,
                 capable: bool | None = None) -> dict[str, Any]:
    """userRegistrationDetails; ``capable`` False: a method is registered that the
    authentication methods policy does not allow."""
    return {"id": object_id, "userPrincipalName": upn, "userDisplayName": upn.split("@")[0],
            "userType": "member", "isAdmin": False, "isSsprRegistered": False,
            "isSsprEnabled": False, "isSsprCapable": False, "isMfaRegistered": registered,
            "isMfaCapable": registered if capable is None else capable,
            "isPasswordlessCapable": False,
            "methodsRegistered": ["microsoftAuthenticatorPush"] if registered else [],
            "isSystemPreferredAuthenticationMethodEnabled": False,
            "systemPreferredAuthenticationMethods": [],
            "defaultMfaMethod": "microsoftAuthenticatorPush" if registered else "none",
            "userPreferredMethodForSecondaryAuthentication": "push",
            "lastUpdatedDateTime": "2026-11-01T00:00:00Z"}


def member(kind: str, object_id: str, name: str) -> dict[str, Any]:
    return {"@odata.type": f"#microsoft.graph.{kind}", "id": object_id, "displayName": name}


def sp(object_id: str, name: str, owner: str, sp_type: str) -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.servicePrincipal", "id": object_id,
            "displayName": name, "appId": "app-" + object_id[-4:],
            "appOwnerOrganizationId": owner, "servicePrincipalType": sp_type,
            "accountEnabled": True}


def role_definition(template: str, name: str, privileged: bool) -> dict[str, Any]:
    """A built-in unifiedRoleDefinition as the beta endpoint answers it."""
    return {"id": template, "templateId": template, "displayName": name, "isBuiltIn": True,
            "isEnabled": True, "isPrivileged": privileged, "resourceScopes": ["/"],
            "version": "1", "rolePermissions": []}


def directory_role(role_id: str, template: str, name: str) -> dict[str, Any]:
    return {"id": role_id, "deletedDateTime": None, "displayName": name,
            "description": name, "roleTemplateId": template}


def security_defaults(enabled: bool) -> dict[str, Any]:
    return {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/"
                              "identitySecurityDefaultsEnforcementPolicy/$entity",
            "id": "00000000-0000-0000-0000-000000000005", "displayName": "Security Defaults",
            "description": "Security defaults is a set of basic identity security mechanisms.",
            "isEnabled": enabled}


def install(server: AzureServer) -> None:
    """Serve the Graph part of the scenario."""
    g = GRAPH
    server.add(f"{g}/organization", {"value": [{"id": TENANT, "displayName": "Contoso Japan",
                                                "onPremisesSyncEnabled": None,
                                                "verifiedDomains": []}]})
    first = [user(ALICE, "alice@contoso.example", mail="alice.k@contoso.co.jp",
                  employee_id="E1001"),
             user(BOB, "bob_partner.example#EXT#@contoso.onmicrosoft.com", user_type="Guest",
                  mail="bob@partner.example"),
             user(CAROL, "carol@contoso.example", signed_in=None)]
    # FRANK last signed in successfully in January; someone failed to sign in as him on
    # 25 November: he is dormant (lastSignInDateTime counts failed attempts too).
    second = [user(DAVE, "dave@contoso.example"),
              user(ERIN, "erin@contoso.example", enabled=False),
              user(FRANK, "frank@contoso.example", signed_in="2026-01-10T09:00:00Z",
                   attempted="2026-11-25T03:14:00Z")]
    server.add(f"{g}/users", {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", "value": first,
        "@odata.nextLink": f"{server.url}{g}/users?$select=id&$top=999&$skiptoken=p2"})
    server.add(f"{g}/users", {"value": second}, page="p2")
    # The first Graph /users call is throttled: 429 with Retry-After, then success.
    server.fail(f"{g}/users", 429, {"error": {"code": "TooManyRequests",
                                              "message": "Too many requests"}},
                times=1, headers={"Retry-After": "1"})
    server.add(f"{g}/reports/authenticationMethods/userRegistrationDetails", {"value": [
        registration(ALICE, "alice@contoso.example", True),
        registration(BOB, "bob@partner.example", False),
        registration(CAROL, "carol@contoso.example", True),
        # DAVE registered a method the policy does not allow: registered, not capable.
        registration(DAVE, "dave@contoso.example", True, capable=False),
        registration(ERIN, "erin@contoso.example", False)]})  # FRANK missing → mfa absent
    _roles(server)
    server.add(f"{g}/groups/{ADMINS}/transitiveMembers", {"value": [
        member("user", DAVE, "dave"), member("group", "nested-group", "nested")]})
    server.add(f"{g}/groups/{MFA_EXCLUDED}/transitiveMembers", {"value": [
        member("user", CAROL, "carol")]})
    server.add(f"{g}/policies/identitySecurityDefaultsEnforcementPolicy",
               security_defaults(False))
    server.add(f"{g}/identity/conditionalAccess/policies", {"value": [
        ca_policy("Require MFA for admins only", users=["None"], roles=["62e90394"]),
        ca_policy("Require MFA for all users", users=["All"], exclude_groups=[MFA_EXCLUDED])]})
    objects = {DEPLOY_SP: sp(DEPLOY_SP, "vendor-deploy", VENDOR_TENANT, "Application"),
               VM_MI: sp(VM_MI, "vm-identity", "", "ManagedIdentity")}
    server.posts[f"{g}/directoryobjects/getbyids"] = lambda body: {
        "value": [objects[i] for i in body.get("ids", []) if i in objects]}


def _roles(server: AzureServer) -> None:
    g = GRAPH
    server.add("/graph/beta/roleManagement/directory/roleDefinitions", {"value": [
        role_definition(GLOBAL_ADMIN, "Global Administrator", True),
        role_definition(GLOBAL_READER, "Global Reader", True),
        role_definition(DIRECTORY_READERS, "Directory Readers", False),
        role_definition(EXCHANGE_ADMIN, "Exchange Administrator", False)]})
    server.add(f"{g}/directoryRoles", {"value": [
        directory_role("role-ga", GLOBAL_ADMIN, "Global Administrator"),
        directory_role("role-readers", DIRECTORY_READERS, "Directory Readers"),
        directory_role("role-global-reader", GLOBAL_READER, "Global Reader"),
        directory_role("role-exchange", EXCHANGE_ADMIN, "Exchange Administrator")]})
    server.add(f"{g}/directoryRoles/role-ga/members", {"value": [
        member("user", ALICE, "alice")]})
    server.add(f"{g}/directoryRoles/role-readers/members", {"value": [
        member("user", FRANK, "frank")]})
    server.add(f"{g}/directoryRoles/role-global-reader/members", {"value": [
        member("user", ERIN, "erin")]})
    server.add(f"{g}/directoryRoles/role-exchange/members", {"value": [
        member("user", FRANK, "frank")]})


def ca_policy(name: str, users: list[str], roles: list[str] | None = None,
              exclude_groups: list[str] | None = None, **conditions: Any) -> dict[str, Any]:
    """An enabled conditional-access policy granting with MFA; ``conditions`` override."""
    policy: dict[str, Any] = {
        "id": f"ca-{len(name)}", "displayName": name, "state": "enabled",
        "createdDateTime": "2024-01-01T00:00:00Z", "modifiedDateTime": None,
        "conditions": {"userRiskLevels": [], "signInRiskLevels": [],
                       "clientAppTypes": ["all"], "platforms": None, "locations": None,
                       "applications": {"includeApplications": ["All"],
                                        "excludeApplications": [],
                                        "includeUserActions": []},
                       "users": {"includeUsers": users, "excludeUsers": ["breakglass"],
                                 "includeGroups": [], "excludeGroups": exclude_groups or [],
                                 "includeRoles": roles or [], "excludeRoles": []}},
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"],
                          "customAuthenticationFactors": [], "termsOfUse": []},
        "sessionControls": None}
    policy["conditions"].update(conditions)
    return policy
