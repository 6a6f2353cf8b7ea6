# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_bifrost_global_optspecs
    string join \n data-dir= url= h/help V/version
end

function __fish_bifrost_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_bifrost_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_bifrost_using_subcommand
    set -l cmd (__fish_bifrost_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c bifrost -n "__fish_bifrost_needs_command" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_needs_command" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_needs_command" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_needs_command" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "serve" -d 'Run the gateway'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "provider" -d 'Manage providers and their keys'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "route" -d 'Manage routing rules; explain where a request would go'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "config" -d 'Check or export configuration'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "vk" -d 'Manage virtual keys: what an app or a person may call, how much and how fast'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "team" -d 'Manage teams: groups of keys sharing budgets'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "customer" -d 'Manage customers: the top of the budget hierarchy'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "admin" -d 'Manage the credentials that open the management API over TCP'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "login" -d 'Store a credential for the server at --url, after checking it there'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "logout" -d 'Forget the credential for the server at --url'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "top" -d 'Watch and manage the running server in a terminal dashboard'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "logs" -d 'Read the request log: list, follow, show, stats, export'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c bifrost -n "__fish_bifrost_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand serve" -l host -d 'Address to bind (default 127.0.0.1: only this machine can connect)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand serve" -l port -d 'Port to listen on (default 8080; 0 picks a free one)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand serve" -l config -d 'Config file (bifrost.toml)' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand serve" -l log-level -d 'Log filter, e.g. `info` or `bifrost=debug` (RUST_LOG also works)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand serve" -l log-format -d 'Log format' -r -f -a "pretty\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c bifrost -n "__fish_bifrost_using_subcommand serve" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand serve" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bifrost -n "__fish_bifrost_using_subcommand serve" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -f -a "add" -d 'Add a provider'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -f -a "list" -d 'List providers'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -f -a "show" -d 'Show one provider'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -f -a "update" -d 'Change a provider\'s settings'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -f -a "remove" -d 'Remove a provider'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -f -a "key" -d 'Manage a provider\'s keys'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -f -a "test" -d 'Make one real call through a provider and report latency and a verdict'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -f -a "health" -d 'Live health of a provider\'s keys (breaker, cooldown, error rate, p50 latency, share of recent traffic); needs a running server'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -f -a "types" -d 'List the provider types and their defaults'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and not __fish_seen_subcommand_from add list show update remove key test health types help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l type -d 'Provider type (see `bifrost provider types`); defaults to NAME when NAME is a type, so `bifrost provider add groq --key-env GROQ_API_KEY` needs no --type' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l base-url -d 'Upstream base URL (required for openai-compatible)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l key -d 'The key itself (prefer --key-env: command lines end up in shell history)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l key-env -d 'Name of an environment variable holding the key, read at each use' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l azure-endpoint -d 'Azure: the resource endpoint, e.g. https://NAME.openai.azure.com' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l azure-deployment -d 'Azure: the deployment serving a model, MODEL=DEPLOYMENT (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l azure-api-version -d 'Azure: the api-version query parameter (default: the adapter\'s)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l aws-access-key-env -d 'Bedrock: environment variable holding the AWS access key id' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l aws-secret-key-env -d 'Bedrock: environment variable holding the AWS secret access key' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l aws-session-token-env -d 'Bedrock: environment variable holding an AWS session token (temporary credentials)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l aws-region -d 'Bedrock: the AWS region, e.g. us-east-1' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l bedrock-deployment -d 'Bedrock: the model id or inference profile serving a model, MODEL=ID (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l vertex-project -d 'Vertex: the Google Cloud project id' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l vertex-region -d 'Vertex: the region, e.g. us-east5 (or global)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l vertex-credentials-env -d 'Vertex: environment variable holding the service-account JSON, read at each use' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l vertex-credentials-file -d 'Vertex: a service-account JSON file, stored (masked in all output) as the key\'s credentials' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l key-name -d 'Name of the key' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l models -d 'Models the key may serve, comma-separated (default: all)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l weight -d 'The key\'s weight among the provider\'s keys' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l header -d 'Extra header sent upstream, NAME=VALUE (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l connect-timeout -d 'Connect timeout in seconds' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l first-byte-timeout -d 'Seconds to wait for the response headers' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l stream-idle-timeout -d 'Longest silence between stream chunks, in seconds' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l total-timeout -d 'Whole-request timeout in seconds' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l max-concurrency -d 'Upstream requests in flight at once' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l queue-size -d 'Requests allowed to wait for a slot' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l idle-timeout -d 'Seconds an unused upstream connection stays open for reuse' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l max-idle-connections -d 'Unused upstream connections kept open per upstream host' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l key-stdin -d 'Read the key from standard input'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -l azure-bearer -d 'Azure: send the key as `Authorization: Bearer` (an Entra ID token) instead of `api-key`'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from list" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from show" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from show" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from show" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l base-url -d 'New upstream base URL' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l remove-header -d 'Remove an extra header (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l header -d 'Extra header sent upstream, NAME=VALUE (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l connect-timeout -d 'Connect timeout in seconds' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l first-byte-timeout -d 'Seconds to wait for the response headers' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l stream-idle-timeout -d 'Longest silence between stream chunks, in seconds' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l total-timeout -d 'Whole-request timeout in seconds' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l max-concurrency -d 'Upstream requests in flight at once' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l queue-size -d 'Requests allowed to wait for a slot' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l idle-timeout -d 'Seconds an unused upstream connection stays open for reuse' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l max-idle-connections -d 'Unused upstream connections kept open per upstream host' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from remove" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from remove" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from key" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from key" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from key" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from key" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from key" -f -a "add" -d 'Add a key to a provider'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from key" -f -a "list" -d 'List a provider\'s keys (values masked)'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from key" -f -a "remove" -d 'Remove a key'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from key" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from test" -l model -d 'Model to call (default: the first model a key lists)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from test" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from test" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from health" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from health" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from health" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from health" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from health" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from types" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from types" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from types" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from types" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a provider'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "list" -d 'List providers'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one provider'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a provider\'s settings'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a provider'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "key" -d 'Manage a provider\'s keys'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "test" -d 'Make one real call through a provider and report latency and a verdict'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "health" -d 'Live health of a provider\'s keys (breaker, cooldown, error rate, p50 latency, share of recent traffic); needs a running server'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "types" -d 'List the provider types and their defaults'
complete -c bifrost -n "__fish_bifrost_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and not __fish_seen_subcommand_from add list show remove explain help" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and not __fish_seen_subcommand_from add list show remove explain help" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and not __fish_seen_subcommand_from add list show remove explain help" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and not __fish_seen_subcommand_from add list show remove explain help" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and not __fish_seen_subcommand_from add list show remove explain help" -f -a "add" -d 'Add a routing rule'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and not __fish_seen_subcommand_from add list show remove explain help" -f -a "list" -d 'List routing rules, the file\'s first'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and not __fish_seen_subcommand_from add list show remove explain help" -f -a "show" -d 'Show one rule'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and not __fish_seen_subcommand_from add list show remove explain help" -f -a "remove" -d 'Remove a rule'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and not __fish_seen_subcommand_from add list show remove explain help" -f -a "explain" -d 'Show where a request would go and why, without sending it'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and not __fish_seen_subcommand_from add list show remove explain help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -l name -d 'A unique name' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -l cel -d 'The condition in CEL, e.g. `headers["x-tier"] == "premium"`; none matches all' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -l target -d 'A target, `provider/model` with an optional `@weight` (repeat for several; without weights each gets an equal share)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -l fallback -d 'A `provider/model` tried after the target fails (repeat, in order)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -l priority -d 'Lower runs first' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -l description -d 'Free text' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -l scope -d 'Apply only under one virtual key, team or customer (`--scope-id` names it)' -r -f -a "virtual-key\t'One virtual key'
team\t'One team'
customer\t'One customer'"
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -l scope-id -d 'The id of the scope\'s virtual key, team or customer' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -l disabled -d 'Store the rule disabled'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from list" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from show" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from show" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from remove" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from remove" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from explain" -l model -d 'The model the request names' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from explain" -l header -d 'A request header, `name=value` (repeat)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from explain" -l vk -d 'The virtual key the request presents, by name or id' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from explain" -l request-type -d 'The request type rules see (`chat_completion`, `embedding`, ...)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from explain" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from explain" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from explain" -l json -d 'Print JSON instead of text'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from explain" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from explain" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a routing rule'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from help" -f -a "list" -d 'List routing rules, the file\'s first'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one rule'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a rule'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from help" -f -a "explain" -d 'Show where a request would go and why, without sending it'
complete -c bifrost -n "__fish_bifrost_using_subcommand route; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and not __fish_seen_subcommand_from validate export get set import help" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and not __fish_seen_subcommand_from validate export get set import help" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and not __fish_seen_subcommand_from validate export get set import help" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and not __fish_seen_subcommand_from validate export get set import help" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and not __fish_seen_subcommand_from validate export get set import help" -f -a "validate" -d 'Check a config file; problems are printed as FILE:LINE:COLUMN: message'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and not __fish_seen_subcommand_from validate export get set import help" -f -a "export" -d 'Print the current setup as a bifrost.toml that reproduces it elsewhere'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and not __fish_seen_subcommand_from validate export get set import help" -f -a "get" -d 'Print the `[client]` settings in force (all, or KEY\'s value), as the server\'s Settings screen shows them; without a server, those the next start will use'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and not __fish_seen_subcommand_from validate export get set import help" -f -a "set" -d 'Change one `[client]` setting through the running server (or --url), or in the store without one. A setting bifrost.toml declares is refused: change it there'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and not __fish_seen_subcommand_from validate export get set import help" -f -a "import" -d 'Convert a reference gateway\'s config.json into a bifrost.toml (printed, or written with -o), or write it into the store with --apply. Every setting that cannot be carried over is listed on stderr with the reason'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and not __fish_seen_subcommand_from validate export get set import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from validate" -l config -d 'Config file, as for `serve`' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from validate" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from validate" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from validate" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from export" -l config -d 'The server\'s config file, whose [server], [client] and [admin] are kept' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from export" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from export" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from export" -l include-secrets -d 'Print literal key values in clear (default: masked; `env.` references are always kept)'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from get" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from get" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from get" -l json -d 'Print JSON (the whole `GET /api/config` answer, or KEY\'s value)'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from set" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from set" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from import" -s o -l output -d 'Write the bifrost.toml here instead of stdout (an existing file is kept)' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from import" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from import" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from import" -l apply -d 'Write providers, customers, teams and virtual keys into the store (as if made with the CLI) instead: through the running server (or --url) when there is one, else into the data dir. Nothing is written if anything is invalid'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check a config file; problems are printed as FILE:LINE:COLUMN: message'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "export" -d 'Print the current setup as a bifrost.toml that reproduces it elsewhere'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print the `[client]` settings in force (all, or KEY\'s value), as the server\'s Settings screen shows them; without a server, those the next start will use'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change one `[client]` setting through the running server (or --url), or in the store without one. A setting bifrost.toml declares is refused: change it there'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "import" -d 'Convert a reference gateway\'s config.json into a bifrost.toml (printed, or written with -o), or write it into the store with --apply. Every setting that cannot be carried over is listed on stderr with the reason'
complete -c bifrost -n "__fish_bifrost_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -f -a "create" -d 'Create a key; prints only its value on stdout (shown this once)'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -f -a "list" -d 'List keys (never their values)'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -f -a "show" -d 'Show one key (never its value)'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -f -a "update" -d 'Change a key\'s settings; only the flags given change'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -f -a "delete" -d 'Delete a key; requests using it are refused from then on'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -f -a "rotate" -d 'Give a key a new value, printed on stdout; the old one stops working'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -f -a "enable" -d 'Let a disabled key through again'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -f -a "disable" -d 'Refuse a key\'s requests (403) until it is enabled'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -f -a "usage" -d 'A key\'s spend and rate-limit use at every level it counts against'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and not __fish_seen_subcommand_from create list show update delete rotate enable disable usage help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l name -d 'A unique name for the key' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l description -d 'Free text about the key' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l models -d 'Models the key may call, comma-separated (default: all)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l provider -d 'A provider the key may use: NAME[:WEIGHT[:MODEL,...]] (repeatable), e.g. --provider azure:0.8:gpt-4o --provider openai:0.2' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l provider-budget -d 'A budget on one provider\'s share: NAME:USD[:RESET] (repeatable), e.g. --provider-budget openai:50:1M. The provider must be among the key\'s' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l provider-rpm -d 'Requests per minute on one provider\'s share: NAME:N (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l provider-tpm -d 'Tokens per minute on one provider\'s share: NAME:N (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l team -d 'The team the key belongs to (id or name)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l customer -d 'The customer the key belongs to directly' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l max-concurrent -d 'Requests in flight at once; over it, 429 at once' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l expires-at -d 'When the key stops working (RFC 3339, e.g. 2027-01-31T00:00:00Z)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l budget -d 'Spending cap in USD per --reset window (replaces existing budgets)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l reset -d 'The budget\'s window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l alert-at -d 'Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l rpm -d 'Requests per minute' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l tpm -d 'Tokens per minute' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l calendar-aligned -d 'Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st)'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l no-budget -d 'Remove all budgets'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l no-rate-limit -d 'Remove the rate limit'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -l json -d 'Print the whole key as JSON (with its value, on create and rotate)'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from list" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from show" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from show" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from show" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l name -d 'Rename the key' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l description -d 'Free text about the key' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l models -d 'Models the key may call, comma-separated (default: all)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l provider -d 'A provider the key may use: NAME[:WEIGHT[:MODEL,...]] (repeatable), e.g. --provider azure:0.8:gpt-4o --provider openai:0.2' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l provider-budget -d 'A budget on one provider\'s share: NAME:USD[:RESET] (repeatable), e.g. --provider-budget openai:50:1M. The provider must be among the key\'s' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l provider-rpm -d 'Requests per minute on one provider\'s share: NAME:N (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l provider-tpm -d 'Tokens per minute on one provider\'s share: NAME:N (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l team -d 'The team the key belongs to (id or name)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l customer -d 'The customer the key belongs to directly' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l max-concurrent -d 'Requests in flight at once; over it, 429 at once' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l expires-at -d 'When the key stops working (RFC 3339, e.g. 2027-01-31T00:00:00Z)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l budget -d 'Spending cap in USD per --reset window (replaces existing budgets)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l reset -d 'The budget\'s window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l alert-at -d 'Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l rpm -d 'Requests per minute' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l tpm -d 'Tokens per minute' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l calendar-aligned -d 'Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st)'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l no-budget -d 'Remove all budgets'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l no-rate-limit -d 'Remove the rate limit'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -l json -d 'Print the whole key as JSON (with its value, on create and rotate)'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from delete" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from delete" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from delete" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from rotate" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from rotate" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from rotate" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from enable" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from enable" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from enable" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from disable" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from disable" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from disable" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from usage" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from usage" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from usage" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from usage" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from usage" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a key; prints only its value on stdout (shown this once)'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from help" -f -a "list" -d 'List keys (never their values)'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one key (never its value)'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a key\'s settings; only the flags given change'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a key; requests using it are refused from then on'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Give a key a new value, printed on stdout; the old one stops working'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Let a disabled key through again'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Refuse a key\'s requests (403) until it is enabled'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from help" -f -a "usage" -d 'A key\'s spend and rate-limit use at every level it counts against'
complete -c bifrost -n "__fish_bifrost_using_subcommand vk; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and not __fish_seen_subcommand_from create list show update delete help" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and not __fish_seen_subcommand_from create list show update delete help" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and not __fish_seen_subcommand_from create list show update delete help" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and not __fish_seen_subcommand_from create list show update delete help" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and not __fish_seen_subcommand_from create list show update delete help" -f -a "create" -d 'Create one'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and not __fish_seen_subcommand_from create list show update delete help" -f -a "list" -d 'List them'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and not __fish_seen_subcommand_from create list show update delete help" -f -a "show" -d 'Show one'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and not __fish_seen_subcommand_from create list show update delete help" -f -a "update" -d 'Change one; only the flags given change'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and not __fish_seen_subcommand_from create list show update delete help" -f -a "delete" -d 'Delete one; its keys are refused until attached elsewhere'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and not __fish_seen_subcommand_from create list show update delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l name -d 'A unique name' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l customer -d 'The customer a team belongs to (id or name; teams only)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l budget -d 'Spending cap in USD per --reset window (replaces existing budgets)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l reset -d 'The budget\'s window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l alert-at -d 'Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l rpm -d 'Requests per minute' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l tpm -d 'Tokens per minute' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l calendar-aligned -d 'Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st)'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l no-budget -d 'Remove all budgets'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l no-rate-limit -d 'Remove the rate limit'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -l json -d 'Print the result as JSON'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from list" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from show" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from show" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from show" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l name -d 'Rename it' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l customer -d 'The customer a team belongs to (id or name; teams only)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l budget -d 'Spending cap in USD per --reset window (replaces existing budgets)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l reset -d 'The budget\'s window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l alert-at -d 'Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l rpm -d 'Requests per minute' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l tpm -d 'Tokens per minute' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l calendar-aligned -d 'Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st)'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l no-budget -d 'Remove all budgets'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l no-rate-limit -d 'Remove the rate limit'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -l json -d 'Print the result as JSON'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from delete" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from delete" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from delete" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create one'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from help" -f -a "list" -d 'List them'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change one; only the flags given change'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete one; its keys are refused until attached elsewhere'
complete -c bifrost -n "__fish_bifrost_using_subcommand team; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and not __fish_seen_subcommand_from create list show update delete help" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and not __fish_seen_subcommand_from create list show update delete help" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and not __fish_seen_subcommand_from create list show update delete help" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and not __fish_seen_subcommand_from create list show update delete help" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and not __fish_seen_subcommand_from create list show update delete help" -f -a "create" -d 'Create one'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and not __fish_seen_subcommand_from create list show update delete help" -f -a "list" -d 'List them'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and not __fish_seen_subcommand_from create list show update delete help" -f -a "show" -d 'Show one'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and not __fish_seen_subcommand_from create list show update delete help" -f -a "update" -d 'Change one; only the flags given change'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and not __fish_seen_subcommand_from create list show update delete help" -f -a "delete" -d 'Delete one; its keys are refused until attached elsewhere'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and not __fish_seen_subcommand_from create list show update delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l name -d 'A unique name' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l customer -d 'The customer a team belongs to (id or name; teams only)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l budget -d 'Spending cap in USD per --reset window (replaces existing budgets)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l reset -d 'The budget\'s window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l alert-at -d 'Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l rpm -d 'Requests per minute' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l tpm -d 'Tokens per minute' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l calendar-aligned -d 'Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st)'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l no-budget -d 'Remove all budgets'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l no-rate-limit -d 'Remove the rate limit'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -l json -d 'Print the result as JSON'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from list" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from show" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from show" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from show" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l name -d 'Rename it' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l customer -d 'The customer a team belongs to (id or name; teams only)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l budget -d 'Spending cap in USD per --reset window (replaces existing budgets)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l reset -d 'The budget\'s window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l alert-at -d 'Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l rpm -d 'Requests per minute' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l tpm -d 'Tokens per minute' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l calendar-aligned -d 'Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st)'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l no-budget -d 'Remove all budgets'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l no-rate-limit -d 'Remove the rate limit'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -l json -d 'Print the result as JSON'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from delete" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from delete" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from delete" -l json -d 'Print JSON instead of a table'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create one'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from help" -f -a "list" -d 'List them'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change one; only the flags given change'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete one; its keys are refused until attached elsewhere'
complete -c bifrost -n "__fish_bifrost_using_subcommand customer; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and not __fish_seen_subcommand_from set-password token help" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and not __fish_seen_subcommand_from set-password token help" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and not __fish_seen_subcommand_from set-password token help" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and not __fish_seen_subcommand_from set-password token help" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and not __fish_seen_subcommand_from set-password token help" -f -a "set-password" -d 'Set the admin username and password for Basic auth (prompts twice on a terminal, else reads one line from stdin). Stored as an Argon2id hash'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and not __fish_seen_subcommand_from set-password token help" -f -a "token" -d 'Manage admin API tokens'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and not __fish_seen_subcommand_from set-password token help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from set-password" -l username -d 'The username' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from set-password" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from set-password" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from set-password" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from set-password" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from token" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from token" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from token" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from token" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from token" -f -a "create" -d 'Create a token; prints only its value on stdout (shown this once)'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from token" -f -a "list" -d 'List tokens: name, created, expires, last used (never values)'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from token" -f -a "revoke" -d 'Revoke a token; requests presenting it are refused from then on'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from token" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "set-password" -d 'Set the admin username and password for Basic auth (prompts twice on a terminal, else reads one line from stdin). Stored as an Argon2id hash'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "token" -d 'Manage admin API tokens'
complete -c bifrost -n "__fish_bifrost_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand login" -l token -d 'An admin token (without it, and without --username, it is prompted for or read from stdin; prefer that: a flag\'s value shows in the process list)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand login" -l username -d 'Log in with the admin login instead; the password is prompted for (or read from stdin) and a token is created for this CLI' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand login" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand login" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand login" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand login" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand logout" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand logout" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logout" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand logout" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand top" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand top" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand top" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand top" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -l provider -d 'Only this provider (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -l model -d 'Only this model (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -l status -d 'Only `success` or `error`' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -l vk -d 'Only this virtual key, by name or id (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -l since -d 'From this long ago (`30s`, `15m`, `1h`, `2d`, `1w`) or an RFC 3339 time' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -l until -d 'Until this long ago or an RFC 3339 time' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -l search -d 'Only records whose request or response contains this text' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -l limit -d 'Records to list (newest first)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -s f -l follow -d 'Keep printing new records as they arrive, until Ctrl-C'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -l json -d 'One JSON object per line (NDJSON), for jq'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -f -a "compact" -d 'Give the space retention freed back to the filesystem (compact logs.redb). Queries answer "busy, retry" while it runs; the server\'s writer waits'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -f -a "show" -d 'Print one record with its content, pretty-printed'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -f -a "stats" -d 'Count, error rate, latency percentiles, tokens and cost'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -f -a "export" -d 'Write every matching record to a file or stdout. JSONL carries each record\'s request and response content where it is still kept (content retention, content logging on); CSV carries the metadata only'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and not __fish_seen_subcommand_from compact show stats export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from compact" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from compact" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from compact" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from compact" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from show" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from show" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from stats" -l provider -d 'Only this provider (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from stats" -l model -d 'Only this model (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from stats" -l status -d 'Only `success` or `error`' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from stats" -l vk -d 'Only this virtual key, by name or id (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from stats" -l since -d 'From this long ago (`30s`, `15m`, `1h`, `2d`, `1w`) or an RFC 3339 time' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from stats" -l until -d 'Until this long ago or an RFC 3339 time' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from stats" -l search -d 'Only records whose request or response contains this text' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from stats" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from stats" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from stats" -l json -d 'Print JSON'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -l format -d 'Output format' -r -f -a "jsonl\t'One JSON object per line, with content'
csv\t'Comma-separated values with a header row; metadata only'"
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -s o -l output -d 'Write here instead of stdout' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -l provider -d 'Only this provider (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -l model -d 'Only this model (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -l status -d 'Only `success` or `error`' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -l vk -d 'Only this virtual key, by name or id (repeatable)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -l since -d 'From this long ago (`30s`, `15m`, `1h`, `2d`, `1w`) or an RFC 3339 time' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -l until -d 'Until this long ago or an RFC 3339 time' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -l search -d 'Only records whose request or response contains this text' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -l no-content -d 'JSONL without the request and response content'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "compact" -d 'Give the space retention freed back to the filesystem (compact logs.redb). Queries answer "busy, retry" while it runs; the server\'s writer waits'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print one record with its content, pretty-printed'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Count, error rate, latency percentiles, tokens and cost'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write every matching record to a file or stdout. JSONL carries each record\'s request and response content where it is still kept (content retention, content logging on); CSV carries the metadata only'
complete -c bifrost -n "__fish_bifrost_using_subcommand logs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand completions" -l data-dir -d 'Directory holding the store and the management socket' -r -F
complete -c bifrost -n "__fish_bifrost_using_subcommand completions" -l url -d 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)' -r
complete -c bifrost -n "__fish_bifrost_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bifrost -n "__fish_bifrost_using_subcommand completions" -s V -l version -d 'Print version'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "serve" -d 'Run the gateway'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "provider" -d 'Manage providers and their keys'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "route" -d 'Manage routing rules; explain where a request would go'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "config" -d 'Check or export configuration'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "vk" -d 'Manage virtual keys: what an app or a person may call, how much and how fast'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "team" -d 'Manage teams: groups of keys sharing budgets'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "customer" -d 'Manage customers: the top of the budget hierarchy'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "admin" -d 'Manage the credentials that open the management API over TCP'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "login" -d 'Store a credential for the server at --url, after checking it there'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "logout" -d 'Forget the credential for the server at --url'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "top" -d 'Watch and manage the running server in a terminal dashboard'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "logs" -d 'Read the request log: list, follow, show, stats, export'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and not __fish_seen_subcommand_from serve provider route config vk team customer admin login logout top logs completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "add" -d 'Add a provider'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "list" -d 'List providers'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "show" -d 'Show one provider'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "update" -d 'Change a provider\'s settings'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "remove" -d 'Remove a provider'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "key" -d 'Manage a provider\'s keys'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "test" -d 'Make one real call through a provider and report latency and a verdict'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "health" -d 'Live health of a provider\'s keys (breaker, cooldown, error rate, p50 latency, share of recent traffic); needs a running server'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "types" -d 'List the provider types and their defaults'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from route" -f -a "add" -d 'Add a routing rule'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from route" -f -a "list" -d 'List routing rules, the file\'s first'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from route" -f -a "show" -d 'Show one rule'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from route" -f -a "remove" -d 'Remove a rule'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from route" -f -a "explain" -d 'Show where a request would go and why, without sending it'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "validate" -d 'Check a config file; problems are printed as FILE:LINE:COLUMN: message'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "export" -d 'Print the current setup as a bifrost.toml that reproduces it elsewhere'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "get" -d 'Print the `[client]` settings in force (all, or KEY\'s value), as the server\'s Settings screen shows them; without a server, those the next start will use'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Change one `[client]` setting through the running server (or --url), or in the store without one. A setting bifrost.toml declares is refused: change it there'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "import" -d 'Convert a reference gateway\'s config.json into a bifrost.toml (printed, or written with -o), or write it into the store with --apply. Every setting that cannot be carried over is listed on stderr with the reason'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from vk" -f -a "create" -d 'Create a key; prints only its value on stdout (shown this once)'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from vk" -f -a "list" -d 'List keys (never their values)'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from vk" -f -a "show" -d 'Show one key (never its value)'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from vk" -f -a "update" -d 'Change a key\'s settings; only the flags given change'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from vk" -f -a "delete" -d 'Delete a key; requests using it are refused from then on'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from vk" -f -a "rotate" -d 'Give a key a new value, printed on stdout; the old one stops working'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from vk" -f -a "enable" -d 'Let a disabled key through again'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from vk" -f -a "disable" -d 'Refuse a key\'s requests (403) until it is enabled'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from vk" -f -a "usage" -d 'A key\'s spend and rate-limit use at every level it counts against'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from team" -f -a "create" -d 'Create one'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from team" -f -a "list" -d 'List them'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from team" -f -a "show" -d 'Show one'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from team" -f -a "update" -d 'Change one; only the flags given change'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from team" -f -a "delete" -d 'Delete one; its keys are refused until attached elsewhere'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from customer" -f -a "create" -d 'Create one'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from customer" -f -a "list" -d 'List them'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from customer" -f -a "show" -d 'Show one'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from customer" -f -a "update" -d 'Change one; only the flags given change'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from customer" -f -a "delete" -d 'Delete one; its keys are refused until attached elsewhere'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "set-password" -d 'Set the admin username and password for Basic auth (prompts twice on a terminal, else reads one line from stdin). Stored as an Argon2id hash'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "token" -d 'Manage admin API tokens'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from logs" -f -a "compact" -d 'Give the space retention freed back to the filesystem (compact logs.redb). Queries answer "busy, retry" while it runs; the server\'s writer waits'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from logs" -f -a "show" -d 'Print one record with its content, pretty-printed'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from logs" -f -a "stats" -d 'Count, error rate, latency percentiles, tokens and cost'
complete -c bifrost -n "__fish_bifrost_using_subcommand help; and __fish_seen_subcommand_from logs" -f -a "export" -d 'Write every matching record to a file or stdout. JSONL carries each record\'s request and response content where it is still kept (content retention, content logging on); CSV carries the metadata only'
