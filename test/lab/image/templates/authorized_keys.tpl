{{ config_get("user.ssh_authorized_keys", "") }}
