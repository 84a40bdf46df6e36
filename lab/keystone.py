#!/usr/bin/python3
"""Keystone helper of the glance-inspector lab (stdlib only, talks to the real Keystone API).

usage: keystone.py ensure   make the service project, the glance user (admin role) and the image
                            service with public+internal endpoints; idempotent.
                            Reads the admin OS_* variables (source the openrc), GLANCE_PASSWORD,
                            LAB_GLANCE_URL and LAB_REGION.
       keystone.py token    print a project-scoped token for the OS_* credentials.
"""

import json
import os
import sys
import urllib.error
import urllib.request


def identity_url():
    base = os.environ["OS_AUTH_URL"].rstrip("/")
    return base if base.endswith("/v3") else base + "/v3"


def call(method, path, token=None, body=None, expect=(200, 201, 204)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(identity_url() + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            status, headers = resp.status, resp.headers
    except urllib.error.HTTPError as err:
        raw, status, headers = err.read(), err.code, err.headers
    if status not in expect:
        sys.exit(f"keystone {method} {path}: HTTP {status}: {raw[:300].decode(errors='replace')}")
    return (json.loads(raw) if raw else {}), headers


def token_for(user, password, project, user_domain="Default", project_domain="Default"):
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": user, "domain": {"name": user_domain}, "password": password}},
            },
            "scope": {"project": {"name": project, "domain": {"name": project_domain}}},
        }
    }
    _, headers = call("POST", "/auth/tokens", body=body, expect=(201,))
    return headers["X-Subject-Token"]


def admin_token():
    env = os.environ
    return token_for(
        env["OS_USERNAME"],
        env["OS_PASSWORD"],
        env["OS_PROJECT_NAME"],
        env.get("OS_USER_DOMAIN_NAME", "Default"),
        env.get("OS_PROJECT_DOMAIN_NAME", "Default"),
    )


def find_one(token, collection, **filters):
    query = "&".join(f"{k}={urllib.request.quote(str(v))}" for k, v in filters.items())
    found, _ = call("GET", f"/{collection}?{query}", token)
    return found[collection][0] if found[collection] else None


def ensure():
    region = os.environ.get("LAB_REGION", "RegionOne")
    glance_url = os.environ["LAB_GLANCE_URL"]
    glance_password = os.environ["GLANCE_PASSWORD"]
    token = admin_token()
    domain = find_one(token, "domains", name="Default")["id"]

    project = find_one(token, "projects", name="service", domain_id=domain)
    if project is None:
        project, _ = call("POST", "/projects", token,
                          {"project": {"name": "service", "domain_id": domain, "description": "Service project"}})
        project = project["project"]

    user = find_one(token, "users", name="glance", domain_id=domain)
    if user is None:
        user, _ = call("POST", "/users", token,
                       {"user": {"name": "glance", "domain_id": domain, "password": glance_password,
                                 "default_project_id": project["id"]}})
        user = user["user"]
    else:
        call("PATCH", f"/users/{user['id']}", token, {"user": {"password": glance_password}})

    role = find_one(token, "roles", name="admin")
    call("PUT", f"/projects/{project['id']}/users/{user['id']}/roles/{role['id']}", token)

    service = find_one(token, "services", type="image")
    if service is None:
        service, _ = call("POST", "/services", token,
                          {"service": {"name": "glance", "type": "image", "description": "OpenStack Image"}})
        service = service["service"]

    for interface in ("public", "internal"):
        endpoint = find_one(token, "endpoints", service_id=service["id"], interface=interface)
        wanted = {"url": glance_url, "region_id": region, "enabled": True}
        if endpoint is None:
            call("POST", "/endpoints", token,
                 {"endpoint": dict(wanted, service_id=service["id"], interface=interface)})
        elif any(endpoint.get(k) != v for k, v in wanted.items()):
            call("PATCH", f"/endpoints/{endpoint['id']}", token, {"endpoint": wanted})

    # The glance user itself must be able to log in, or glance's authtoken middleware rejects every request.
    token_for("glance", glance_password, "service")
    print(f"keystone: project service, user glance (admin), image service -> {glance_url} (public, internal)")


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "ensure":
        ensure()
    elif command == "token":
        print(admin_token())
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
