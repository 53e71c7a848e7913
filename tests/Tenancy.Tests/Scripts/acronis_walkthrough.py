"""The suspend / reactivate / terminate walkthrough of the Account Management API v2, written the way
its tutorial writes it (Python requests), run unchanged against a Tenancy server.

Usage: acronis_walkthrough.py <server origin> <client id> <client secret>
Exits 0 when every step answered as the tutorial says it should.
"""
import json
import sys

import requests

origin, client_id, client_secret = sys.argv[1:4]
base_url = f'{origin}/api/2'


def check(response, expected, step):
    if response.status_code != expected:
        sys.exit(f'{step}: expected {expected}, got {response.status_code}: {response.text}')
    print(f'{step}: {response.status_code}')


# Authenticate
response = requests.post(
    f'{base_url}/idp/token',
    headers={'Content-Type': 'application/x-www-form-urlencoded'},
    auth=(client_id, client_secret),
    data={'grant_type': 'client_credentials'},
)
check(response, 200, 'token')
token_info = response.json()
auth = {'Authorization': 'Bearer ' + token_info['access_token']}

# The tenant to which the token provides access
response = requests.get(f'{base_url}/clients/{client_id}', headers=auth)
check(response, 200, 'fetch own client')
tenant_id = response.json()['tenant_id']

# Create a partner and a customer under it
tenant = {'name': 'Walkthrough partner', 'kind': 'partner', 'parent_id': tenant_id}
response = requests.post(f'{base_url}/tenants', headers={'Content-Type': 'application/json', **auth},
                         data=json.dumps(tenant, indent=4))
check(response, 201, 'create partner')
created_tenant_id = response.json()['id']
customer = {'name': 'Walkthrough customer', 'kind': 'customer', 'parent_id': created_tenant_id}
response = requests.post(f'{base_url}/tenants', headers={'Content-Type': 'application/json', **auth},
                         data=json.dumps(customer, indent=4))
check(response, 201, 'create customer')
customer_id = response.json()['id']

# An API client of the customer, to see the lock-out from the inside
client = {'type': 'api_client', 'tenant_id': customer_id, 'token_endpoint_auth_method': 'client_secret_basic',
          'data': {'client_name': 'walkthrough'}}
response = requests.post(f'{base_url}/clients', headers={'Content-Type': 'application/json', **auth},
                         data=json.dumps(client, indent=4))
check(response, 201, 'create customer client')
customer_client = response.json()
response = requests.post(f'{base_url}/idp/token', headers={'Content-Type': 'application/x-www-form-urlencoded'},
                         auth=(customer_client['client_id'], customer_client['client_secret']),
                         data={'grant_type': 'client_credentials'})
check(response, 200, 'customer token')
customer_auth = {'Authorization': 'Bearer ' + response.json()['access_token']}


def fetch(tenant_id):
    response = requests.get(f'{base_url}/tenants/{tenant_id}', headers=auth)
    check(response, 200, 'fetch tenant')
    return response.json()


def set_enabled(tenant_id, enabled, step):
    tenant = fetch(tenant_id)
    tenant_version = tenant['version']
    tenant_update = {
        'enabled': enabled,
        'version': tenant_version,  # this key is required
    }
    tenant_update = json.dumps(tenant_update, indent=4)
    response = requests.put(
        f'{base_url}/tenants/{tenant_id}',
        headers={'Content-Type': 'application/json', **auth},
        data=tenant_update,
    )
    check(response, 200, step)


# Suspend: the partner and its sub-tenants lose access
tenant_id = created_tenant_id
set_enabled(tenant_id, False, 'suspend')
check(requests.get(f'{base_url}/tenants/{customer_id}', headers=customer_auth), 401, 'customer locked out')
check(requests.get(f'{base_url}/tenants/{customer_id}', headers=auth), 200, 'customer data kept')

# Reactivate: access is back
set_enabled(tenant_id, True, 'reactivate')
check(requests.get(f'{base_url}/tenants/{customer_id}', headers=customer_auth), 200, 'customer back')

# Terminate: disable, then delete quoting the latest version
set_enabled(tenant_id, False, 'disable before delete')
tenant = fetch(tenant_id)
tenant_version = tenant['version']
params = {'version': tenant_version}
response = requests.delete(f'{base_url}/tenants/{tenant_id}', headers=auth, params=params)
check(response, 204, 'terminate')
check(requests.get(f'{base_url}/tenants/{tenant_id}', headers=auth), 404, 'partner gone')
check(requests.get(f'{base_url}/tenants/{customer_id}', headers=auth), 404, 'customer gone')
check(requests.get(f'{base_url}/tenants/{customer_id}', headers=customer_auth), 401, 'customer token refused')
print('walkthrough complete')
