
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'bifrost' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'bifrost'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'bifrost' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the gateway')
            [CompletionResult]::new('provider', 'provider', [CompletionResultType]::ParameterValue, 'Manage providers and their keys')
            [CompletionResult]::new('route', 'route', [CompletionResultType]::ParameterValue, 'Manage routing rules; explain where a request would go')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check or export configuration')
            [CompletionResult]::new('vk', 'vk', [CompletionResultType]::ParameterValue, 'Manage virtual keys: what an app or a person may call, how much and how fast')
            [CompletionResult]::new('team', 'team', [CompletionResultType]::ParameterValue, 'Manage teams: groups of keys sharing budgets')
            [CompletionResult]::new('customer', 'customer', [CompletionResultType]::ParameterValue, 'Manage customers: the top of the budget hierarchy')
            [CompletionResult]::new('admin', 'admin', [CompletionResultType]::ParameterValue, 'Manage the credentials that open the management API over TCP')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store a credential for the server at --url, after checking it there')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the credential for the server at --url')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Watch and manage the running server in a terminal dashboard')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Read the request log: list, follow, show, stats, export')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;serve' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Address to bind (default 127.0.0.1: only this machine can connect)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (default 8080; 0 picks a free one)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (bifrost.toml)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log filter, e.g. `info` or `bifrost=debug` (RUST_LOG also works)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log format')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a provider')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List providers')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one provider')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a provider''s settings')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a provider')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Manage a provider''s keys')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Make one real call through a provider and report latency and a verdict')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Live health of a provider''s keys (breaker, cooldown, error rate, p50 latency, share of recent traffic); needs a running server')
            [CompletionResult]::new('types', 'types', [CompletionResultType]::ParameterValue, 'List the provider types and their defaults')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;provider;add' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Provider type (see `bifrost provider types`); defaults to NAME when NAME is a type, so `bifrost provider add groq --key-env GROQ_API_KEY` needs no --type')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Upstream base URL (required for openai-compatible)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key itself (prefer --key-env: command lines end up in shell history)')
            [CompletionResult]::new('--key-env', '--key-env', [CompletionResultType]::ParameterName, 'Name of an environment variable holding the key, read at each use')
            [CompletionResult]::new('--azure-endpoint', '--azure-endpoint', [CompletionResultType]::ParameterName, 'Azure: the resource endpoint, e.g. https://NAME.openai.azure.com')
            [CompletionResult]::new('--azure-deployment', '--azure-deployment', [CompletionResultType]::ParameterName, 'Azure: the deployment serving a model, MODEL=DEPLOYMENT (repeatable)')
            [CompletionResult]::new('--azure-api-version', '--azure-api-version', [CompletionResultType]::ParameterName, 'Azure: the api-version query parameter (default: the adapter''s)')
            [CompletionResult]::new('--aws-access-key-env', '--aws-access-key-env', [CompletionResultType]::ParameterName, 'Bedrock: environment variable holding the AWS access key id')
            [CompletionResult]::new('--aws-secret-key-env', '--aws-secret-key-env', [CompletionResultType]::ParameterName, 'Bedrock: environment variable holding the AWS secret access key')
            [CompletionResult]::new('--aws-session-token-env', '--aws-session-token-env', [CompletionResultType]::ParameterName, 'Bedrock: environment variable holding an AWS session token (temporary credentials)')
            [CompletionResult]::new('--aws-region', '--aws-region', [CompletionResultType]::ParameterName, 'Bedrock: the AWS region, e.g. us-east-1')
            [CompletionResult]::new('--bedrock-deployment', '--bedrock-deployment', [CompletionResultType]::ParameterName, 'Bedrock: the model id or inference profile serving a model, MODEL=ID (repeatable)')
            [CompletionResult]::new('--vertex-project', '--vertex-project', [CompletionResultType]::ParameterName, 'Vertex: the Google Cloud project id')
            [CompletionResult]::new('--vertex-region', '--vertex-region', [CompletionResultType]::ParameterName, 'Vertex: the region, e.g. us-east5 (or global)')
            [CompletionResult]::new('--vertex-credentials-env', '--vertex-credentials-env', [CompletionResultType]::ParameterName, 'Vertex: environment variable holding the service-account JSON, read at each use')
            [CompletionResult]::new('--vertex-credentials-file', '--vertex-credentials-file', [CompletionResultType]::ParameterName, 'Vertex: a service-account JSON file, stored (masked in all output) as the key''s credentials')
            [CompletionResult]::new('--key-name', '--key-name', [CompletionResultType]::ParameterName, 'Name of the key')
            [CompletionResult]::new('--models', '--models', [CompletionResultType]::ParameterName, 'Models the key may serve, comma-separated (default: all)')
            [CompletionResult]::new('--weight', '--weight', [CompletionResultType]::ParameterName, 'The key''s weight among the provider''s keys')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header sent upstream, NAME=VALUE (repeatable)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connect timeout in seconds')
            [CompletionResult]::new('--first-byte-timeout', '--first-byte-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the response headers')
            [CompletionResult]::new('--stream-idle-timeout', '--stream-idle-timeout', [CompletionResultType]::ParameterName, 'Longest silence between stream chunks, in seconds')
            [CompletionResult]::new('--total-timeout', '--total-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout in seconds')
            [CompletionResult]::new('--max-concurrency', '--max-concurrency', [CompletionResultType]::ParameterName, 'Upstream requests in flight at once')
            [CompletionResult]::new('--queue-size', '--queue-size', [CompletionResultType]::ParameterName, 'Requests allowed to wait for a slot')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds an unused upstream connection stays open for reuse')
            [CompletionResult]::new('--max-idle-connections', '--max-idle-connections', [CompletionResultType]::ParameterName, 'Unused upstream connections kept open per upstream host')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--key-stdin', '--key-stdin', [CompletionResultType]::ParameterName, 'Read the key from standard input')
            [CompletionResult]::new('--azure-bearer', '--azure-bearer', [CompletionResultType]::ParameterName, 'Azure: send the key as `Authorization: Bearer` (an Entra ID token) instead of `api-key`')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;update' {
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'New upstream base URL')
            [CompletionResult]::new('--remove-header', '--remove-header', [CompletionResultType]::ParameterName, 'Remove an extra header (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header sent upstream, NAME=VALUE (repeatable)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connect timeout in seconds')
            [CompletionResult]::new('--first-byte-timeout', '--first-byte-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the response headers')
            [CompletionResult]::new('--stream-idle-timeout', '--stream-idle-timeout', [CompletionResultType]::ParameterName, 'Longest silence between stream chunks, in seconds')
            [CompletionResult]::new('--total-timeout', '--total-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout in seconds')
            [CompletionResult]::new('--max-concurrency', '--max-concurrency', [CompletionResultType]::ParameterName, 'Upstream requests in flight at once')
            [CompletionResult]::new('--queue-size', '--queue-size', [CompletionResultType]::ParameterName, 'Requests allowed to wait for a slot')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds an unused upstream connection stays open for reuse')
            [CompletionResult]::new('--max-idle-connections', '--max-idle-connections', [CompletionResultType]::ParameterName, 'Unused upstream connections kept open per upstream host')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;remove' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;key' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a key to a provider')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a provider''s keys (values masked)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a key')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;provider;key;add' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Key name, unique within the provider')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key itself (prefer --key-env: command lines end up in shell history)')
            [CompletionResult]::new('--key-env', '--key-env', [CompletionResultType]::ParameterName, 'Name of an environment variable holding the key, read at each use')
            [CompletionResult]::new('--azure-endpoint', '--azure-endpoint', [CompletionResultType]::ParameterName, 'Azure: the resource endpoint, e.g. https://NAME.openai.azure.com')
            [CompletionResult]::new('--azure-deployment', '--azure-deployment', [CompletionResultType]::ParameterName, 'Azure: the deployment serving a model, MODEL=DEPLOYMENT (repeatable)')
            [CompletionResult]::new('--azure-api-version', '--azure-api-version', [CompletionResultType]::ParameterName, 'Azure: the api-version query parameter (default: the adapter''s)')
            [CompletionResult]::new('--aws-access-key-env', '--aws-access-key-env', [CompletionResultType]::ParameterName, 'Bedrock: environment variable holding the AWS access key id')
            [CompletionResult]::new('--aws-secret-key-env', '--aws-secret-key-env', [CompletionResultType]::ParameterName, 'Bedrock: environment variable holding the AWS secret access key')
            [CompletionResult]::new('--aws-session-token-env', '--aws-session-token-env', [CompletionResultType]::ParameterName, 'Bedrock: environment variable holding an AWS session token (temporary credentials)')
            [CompletionResult]::new('--aws-region', '--aws-region', [CompletionResultType]::ParameterName, 'Bedrock: the AWS region, e.g. us-east-1')
            [CompletionResult]::new('--bedrock-deployment', '--bedrock-deployment', [CompletionResultType]::ParameterName, 'Bedrock: the model id or inference profile serving a model, MODEL=ID (repeatable)')
            [CompletionResult]::new('--vertex-project', '--vertex-project', [CompletionResultType]::ParameterName, 'Vertex: the Google Cloud project id')
            [CompletionResult]::new('--vertex-region', '--vertex-region', [CompletionResultType]::ParameterName, 'Vertex: the region, e.g. us-east5 (or global)')
            [CompletionResult]::new('--vertex-credentials-env', '--vertex-credentials-env', [CompletionResultType]::ParameterName, 'Vertex: environment variable holding the service-account JSON, read at each use')
            [CompletionResult]::new('--vertex-credentials-file', '--vertex-credentials-file', [CompletionResultType]::ParameterName, 'Vertex: a service-account JSON file, stored (masked in all output) as the key''s credentials')
            [CompletionResult]::new('--models', '--models', [CompletionResultType]::ParameterName, 'Models the key may serve, comma-separated (default: all)')
            [CompletionResult]::new('--weight', '--weight', [CompletionResultType]::ParameterName, 'The key''s weight')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--key-stdin', '--key-stdin', [CompletionResultType]::ParameterName, 'Read the key from standard input')
            [CompletionResult]::new('--azure-bearer', '--azure-bearer', [CompletionResultType]::ParameterName, 'Azure: send the key as `Authorization: Bearer` (an Entra ID token) instead of `api-key`')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;key;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;key;remove' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;key;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a key to a provider')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a provider''s keys (values masked)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a key')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;provider;key;help;add' {
            break
        }
        'bifrost;provider;key;help;list' {
            break
        }
        'bifrost;provider;key;help;remove' {
            break
        }
        'bifrost;provider;key;help;help' {
            break
        }
        'bifrost;provider;test' {
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model to call (default: the first model a key lists)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;health' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;types' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a provider')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List providers')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one provider')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a provider''s settings')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a provider')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Manage a provider''s keys')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Make one real call through a provider and report latency and a verdict')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Live health of a provider''s keys (breaker, cooldown, error rate, p50 latency, share of recent traffic); needs a running server')
            [CompletionResult]::new('types', 'types', [CompletionResultType]::ParameterValue, 'List the provider types and their defaults')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;provider;help;add' {
            break
        }
        'bifrost;provider;help;list' {
            break
        }
        'bifrost;provider;help;show' {
            break
        }
        'bifrost;provider;help;update' {
            break
        }
        'bifrost;provider;help;remove' {
            break
        }
        'bifrost;provider;help;key' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a key to a provider')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a provider''s keys (values masked)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a key')
            break
        }
        'bifrost;provider;help;key;add' {
            break
        }
        'bifrost;provider;help;key;list' {
            break
        }
        'bifrost;provider;help;key;remove' {
            break
        }
        'bifrost;provider;help;test' {
            break
        }
        'bifrost;provider;help;health' {
            break
        }
        'bifrost;provider;help;types' {
            break
        }
        'bifrost;provider;help;help' {
            break
        }
        'bifrost;route' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a routing rule')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List routing rules, the file''s first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one rule')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a rule')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Show where a request would go and why, without sending it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;route;add' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A unique name')
            [CompletionResult]::new('--cel', '--cel', [CompletionResultType]::ParameterName, 'The condition in CEL, e.g. `headers["x-tier"] == "premium"`; none matches all')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A target, `provider/model` with an optional `@weight` (repeat for several; without weights each gets an equal share)')
            [CompletionResult]::new('--fallback', '--fallback', [CompletionResultType]::ParameterName, 'A `provider/model` tried after the target fails (repeat, in order)')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Lower runs first')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Free text')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Apply only under one virtual key, team or customer (`--scope-id` names it)')
            [CompletionResult]::new('--scope-id', '--scope-id', [CompletionResultType]::ParameterName, 'The id of the scope''s virtual key, team or customer')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--disabled', '--disabled', [CompletionResultType]::ParameterName, 'Store the rule disabled')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;route;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;route;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;route;remove' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;route;explain' {
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model the request names')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A request header, `name=value` (repeat)')
            [CompletionResult]::new('--vk', '--vk', [CompletionResultType]::ParameterName, 'The virtual key the request presents, by name or id')
            [CompletionResult]::new('--request-type', '--request-type', [CompletionResultType]::ParameterName, 'The request type rules see (`chat_completion`, `embedding`, ...)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;route;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a routing rule')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List routing rules, the file''s first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one rule')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a rule')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Show where a request would go and why, without sending it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;route;help;add' {
            break
        }
        'bifrost;route;help;list' {
            break
        }
        'bifrost;route;help;show' {
            break
        }
        'bifrost;route;help;remove' {
            break
        }
        'bifrost;route;help;explain' {
            break
        }
        'bifrost;route;help;help' {
            break
        }
        'bifrost;config' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a config file; problems are printed as FILE:LINE:COLUMN: message')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the current setup as a bifrost.toml that reproduces it elsewhere')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the `[client]` settings in force (all, or KEY''s value), as the server''s Settings screen shows them; without a server, those the next start will use')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one `[client]` setting through the running server (or --url), or in the store without one. A setting bifrost.toml declares is refused: change it there')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Convert a reference gateway''s config.json into a bifrost.toml (printed, or written with -o), or write it into the store with --apply. Every setting that cannot be carried over is listed on stderr with the reason')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;config;validate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file, as for `serve`')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;config;export' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The server''s config file, whose [server], [client] and [admin] are kept')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--include-secrets', '--include-secrets', [CompletionResultType]::ParameterName, 'Print literal key values in clear (default: masked; `env.` references are always kept)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;config;get' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (the whole `GET /api/config` answer, or KEY''s value)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;config;set' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;config;import' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the bifrost.toml here instead of stdout (an existing file is kept)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the bifrost.toml here instead of stdout (an existing file is kept)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Write providers, customers, teams and virtual keys into the store (as if made with the CLI) instead: through the running server (or --url) when there is one, else into the data dir. Nothing is written if anything is invalid')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;config;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a config file; problems are printed as FILE:LINE:COLUMN: message')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the current setup as a bifrost.toml that reproduces it elsewhere')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the `[client]` settings in force (all, or KEY''s value), as the server''s Settings screen shows them; without a server, those the next start will use')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one `[client]` setting through the running server (or --url), or in the store without one. A setting bifrost.toml declares is refused: change it there')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Convert a reference gateway''s config.json into a bifrost.toml (printed, or written with -o), or write it into the store with --apply. Every setting that cannot be carried over is listed on stderr with the reason')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;config;help;validate' {
            break
        }
        'bifrost;config;help;export' {
            break
        }
        'bifrost;config;help;get' {
            break
        }
        'bifrost;config;help;set' {
            break
        }
        'bifrost;config;help;import' {
            break
        }
        'bifrost;config;help;help' {
            break
        }
        'bifrost;vk' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a key; prints only its value on stdout (shown this once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (never their values)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one key (never its value)')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a key''s settings; only the flags given change')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a key; requests using it are refused from then on')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Give a key a new value, printed on stdout; the old one stops working')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Let a disabled key through again')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Refuse a key''s requests (403) until it is enabled')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'A key''s spend and rate-limit use at every level it counts against')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;vk;create' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A unique name for the key')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Free text about the key')
            [CompletionResult]::new('--models', '--models', [CompletionResultType]::ParameterName, 'Models the key may call, comma-separated (default: all)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'A provider the key may use: NAME[:WEIGHT[:MODEL,...]] (repeatable), e.g. --provider azure:0.8:gpt-4o --provider openai:0.2')
            [CompletionResult]::new('--provider-budget', '--provider-budget', [CompletionResultType]::ParameterName, 'A budget on one provider''s share: NAME:USD[:RESET] (repeatable), e.g. --provider-budget openai:50:1M. The provider must be among the key''s')
            [CompletionResult]::new('--provider-rpm', '--provider-rpm', [CompletionResultType]::ParameterName, 'Requests per minute on one provider''s share: NAME:N (repeatable)')
            [CompletionResult]::new('--provider-tpm', '--provider-tpm', [CompletionResultType]::ParameterName, 'Tokens per minute on one provider''s share: NAME:N (repeatable)')
            [CompletionResult]::new('--team', '--team', [CompletionResultType]::ParameterName, 'The team the key belongs to (id or name)')
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'The customer the key belongs to directly')
            [CompletionResult]::new('--max-concurrent', '--max-concurrent', [CompletionResultType]::ParameterName, 'Requests in flight at once; over it, 429 at once')
            [CompletionResult]::new('--expires-at', '--expires-at', [CompletionResultType]::ParameterName, 'When the key stops working (RFC 3339, e.g. 2027-01-31T00:00:00Z)')
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'Spending cap in USD per --reset window (replaces existing budgets)')
            [CompletionResult]::new('--reset', '--reset', [CompletionResultType]::ParameterName, 'The budget''s window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month)')
            [CompletionResult]::new('--alert-at', '--alert-at', [CompletionResultType]::ParameterName, 'Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0')
            [CompletionResult]::new('--rpm', '--rpm', [CompletionResultType]::ParameterName, 'Requests per minute')
            [CompletionResult]::new('--tpm', '--tpm', [CompletionResultType]::ParameterName, 'Tokens per minute')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--calendar-aligned', '--calendar-aligned', [CompletionResultType]::ParameterName, 'Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st)')
            [CompletionResult]::new('--no-budget', '--no-budget', [CompletionResultType]::ParameterName, 'Remove all budgets')
            [CompletionResult]::new('--no-rate-limit', '--no-rate-limit', [CompletionResultType]::ParameterName, 'Remove the rate limit')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the whole key as JSON (with its value, on create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;vk;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;vk;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;vk;update' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Rename the key')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Free text about the key')
            [CompletionResult]::new('--models', '--models', [CompletionResultType]::ParameterName, 'Models the key may call, comma-separated (default: all)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'A provider the key may use: NAME[:WEIGHT[:MODEL,...]] (repeatable), e.g. --provider azure:0.8:gpt-4o --provider openai:0.2')
            [CompletionResult]::new('--provider-budget', '--provider-budget', [CompletionResultType]::ParameterName, 'A budget on one provider''s share: NAME:USD[:RESET] (repeatable), e.g. --provider-budget openai:50:1M. The provider must be among the key''s')
            [CompletionResult]::new('--provider-rpm', '--provider-rpm', [CompletionResultType]::ParameterName, 'Requests per minute on one provider''s share: NAME:N (repeatable)')
            [CompletionResult]::new('--provider-tpm', '--provider-tpm', [CompletionResultType]::ParameterName, 'Tokens per minute on one provider''s share: NAME:N (repeatable)')
            [CompletionResult]::new('--team', '--team', [CompletionResultType]::ParameterName, 'The team the key belongs to (id or name)')
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'The customer the key belongs to directly')
            [CompletionResult]::new('--max-concurrent', '--max-concurrent', [CompletionResultType]::ParameterName, 'Requests in flight at once; over it, 429 at once')
            [CompletionResult]::new('--expires-at', '--expires-at', [CompletionResultType]::ParameterName, 'When the key stops working (RFC 3339, e.g. 2027-01-31T00:00:00Z)')
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'Spending cap in USD per --reset window (replaces existing budgets)')
            [CompletionResult]::new('--reset', '--reset', [CompletionResultType]::ParameterName, 'The budget''s window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month)')
            [CompletionResult]::new('--alert-at', '--alert-at', [CompletionResultType]::ParameterName, 'Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0')
            [CompletionResult]::new('--rpm', '--rpm', [CompletionResultType]::ParameterName, 'Requests per minute')
            [CompletionResult]::new('--tpm', '--tpm', [CompletionResultType]::ParameterName, 'Tokens per minute')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--calendar-aligned', '--calendar-aligned', [CompletionResultType]::ParameterName, 'Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st)')
            [CompletionResult]::new('--no-budget', '--no-budget', [CompletionResultType]::ParameterName, 'Remove all budgets')
            [CompletionResult]::new('--no-rate-limit', '--no-rate-limit', [CompletionResultType]::ParameterName, 'Remove the rate limit')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the whole key as JSON (with its value, on create and rotate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;vk;delete' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;vk;rotate' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;vk;enable' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;vk;disable' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;vk;usage' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;vk;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a key; prints only its value on stdout (shown this once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (never their values)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one key (never its value)')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a key''s settings; only the flags given change')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a key; requests using it are refused from then on')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Give a key a new value, printed on stdout; the old one stops working')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Let a disabled key through again')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Refuse a key''s requests (403) until it is enabled')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'A key''s spend and rate-limit use at every level it counts against')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;vk;help;create' {
            break
        }
        'bifrost;vk;help;list' {
            break
        }
        'bifrost;vk;help;show' {
            break
        }
        'bifrost;vk;help;update' {
            break
        }
        'bifrost;vk;help;delete' {
            break
        }
        'bifrost;vk;help;rotate' {
            break
        }
        'bifrost;vk;help;enable' {
            break
        }
        'bifrost;vk;help;disable' {
            break
        }
        'bifrost;vk;help;usage' {
            break
        }
        'bifrost;vk;help;help' {
            break
        }
        'bifrost;team' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create one')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List them')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change one; only the flags given change')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one; its keys are refused until attached elsewhere')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;team;create' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A unique name')
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'The customer a team belongs to (id or name; teams only)')
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'Spending cap in USD per --reset window (replaces existing budgets)')
            [CompletionResult]::new('--reset', '--reset', [CompletionResultType]::ParameterName, 'The budget''s window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month)')
            [CompletionResult]::new('--alert-at', '--alert-at', [CompletionResultType]::ParameterName, 'Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0')
            [CompletionResult]::new('--rpm', '--rpm', [CompletionResultType]::ParameterName, 'Requests per minute')
            [CompletionResult]::new('--tpm', '--tpm', [CompletionResultType]::ParameterName, 'Tokens per minute')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--calendar-aligned', '--calendar-aligned', [CompletionResultType]::ParameterName, 'Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st)')
            [CompletionResult]::new('--no-budget', '--no-budget', [CompletionResultType]::ParameterName, 'Remove all budgets')
            [CompletionResult]::new('--no-rate-limit', '--no-rate-limit', [CompletionResultType]::ParameterName, 'Remove the rate limit')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;team;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;team;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;team;update' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Rename it')
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'The customer a team belongs to (id or name; teams only)')
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'Spending cap in USD per --reset window (replaces existing budgets)')
            [CompletionResult]::new('--reset', '--reset', [CompletionResultType]::ParameterName, 'The budget''s window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month)')
            [CompletionResult]::new('--alert-at', '--alert-at', [CompletionResultType]::ParameterName, 'Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0')
            [CompletionResult]::new('--rpm', '--rpm', [CompletionResultType]::ParameterName, 'Requests per minute')
            [CompletionResult]::new('--tpm', '--tpm', [CompletionResultType]::ParameterName, 'Tokens per minute')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--calendar-aligned', '--calendar-aligned', [CompletionResultType]::ParameterName, 'Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st)')
            [CompletionResult]::new('--no-budget', '--no-budget', [CompletionResultType]::ParameterName, 'Remove all budgets')
            [CompletionResult]::new('--no-rate-limit', '--no-rate-limit', [CompletionResultType]::ParameterName, 'Remove the rate limit')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;team;delete' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;team;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create one')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List them')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change one; only the flags given change')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one; its keys are refused until attached elsewhere')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;team;help;create' {
            break
        }
        'bifrost;team;help;list' {
            break
        }
        'bifrost;team;help;show' {
            break
        }
        'bifrost;team;help;update' {
            break
        }
        'bifrost;team;help;delete' {
            break
        }
        'bifrost;team;help;help' {
            break
        }
        'bifrost;customer' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create one')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List them')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change one; only the flags given change')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one; its keys are refused until attached elsewhere')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;customer;create' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A unique name')
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'The customer a team belongs to (id or name; teams only)')
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'Spending cap in USD per --reset window (replaces existing budgets)')
            [CompletionResult]::new('--reset', '--reset', [CompletionResultType]::ParameterName, 'The budget''s window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month)')
            [CompletionResult]::new('--alert-at', '--alert-at', [CompletionResultType]::ParameterName, 'Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0')
            [CompletionResult]::new('--rpm', '--rpm', [CompletionResultType]::ParameterName, 'Requests per minute')
            [CompletionResult]::new('--tpm', '--tpm', [CompletionResultType]::ParameterName, 'Tokens per minute')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--calendar-aligned', '--calendar-aligned', [CompletionResultType]::ParameterName, 'Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st)')
            [CompletionResult]::new('--no-budget', '--no-budget', [CompletionResultType]::ParameterName, 'Remove all budgets')
            [CompletionResult]::new('--no-rate-limit', '--no-rate-limit', [CompletionResultType]::ParameterName, 'Remove the rate limit')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;customer;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;customer;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;customer;update' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Rename it')
            [CompletionResult]::new('--customer', '--customer', [CompletionResultType]::ParameterName, 'The customer a team belongs to (id or name; teams only)')
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'Spending cap in USD per --reset window (replaces existing budgets)')
            [CompletionResult]::new('--reset', '--reset', [CompletionResultType]::ParameterName, 'The budget''s window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month)')
            [CompletionResult]::new('--alert-at', '--alert-at', [CompletionResultType]::ParameterName, 'Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0')
            [CompletionResult]::new('--rpm', '--rpm', [CompletionResultType]::ParameterName, 'Requests per minute')
            [CompletionResult]::new('--tpm', '--tpm', [CompletionResultType]::ParameterName, 'Tokens per minute')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--calendar-aligned', '--calendar-aligned', [CompletionResultType]::ParameterName, 'Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st)')
            [CompletionResult]::new('--no-budget', '--no-budget', [CompletionResultType]::ParameterName, 'Remove all budgets')
            [CompletionResult]::new('--no-rate-limit', '--no-rate-limit', [CompletionResultType]::ParameterName, 'Remove the rate limit')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;customer;delete' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;customer;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create one')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List them')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change one; only the flags given change')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one; its keys are refused until attached elsewhere')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;customer;help;create' {
            break
        }
        'bifrost;customer;help;list' {
            break
        }
        'bifrost;customer;help;show' {
            break
        }
        'bifrost;customer;help;update' {
            break
        }
        'bifrost;customer;help;delete' {
            break
        }
        'bifrost;customer;help;help' {
            break
        }
        'bifrost;admin' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set-password', 'set-password', [CompletionResultType]::ParameterValue, 'Set the admin username and password for Basic auth (prompts twice on a terminal, else reads one line from stdin). Stored as an Argon2id hash')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Manage admin API tokens')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;admin;set-password' {
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'The username')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;admin;token' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a token; prints only its value on stdout (shown this once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens: name, created, expires, last used (never values)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token; requests presenting it are refused from then on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;admin;token;create' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A name to list and revoke it by')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Expire after this long: a number and s, m, h, d or w (`30d`). Default: never')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;admin;token;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;admin;token;revoke' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;admin;token;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a token; prints only its value on stdout (shown this once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens: name, created, expires, last used (never values)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token; requests presenting it are refused from then on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;admin;token;help;create' {
            break
        }
        'bifrost;admin;token;help;list' {
            break
        }
        'bifrost;admin;token;help;revoke' {
            break
        }
        'bifrost;admin;token;help;help' {
            break
        }
        'bifrost;admin;help' {
            [CompletionResult]::new('set-password', 'set-password', [CompletionResultType]::ParameterValue, 'Set the admin username and password for Basic auth (prompts twice on a terminal, else reads one line from stdin). Stored as an Argon2id hash')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Manage admin API tokens')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;admin;help;set-password' {
            break
        }
        'bifrost;admin;help;token' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a token; prints only its value on stdout (shown this once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens: name, created, expires, last used (never values)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token; requests presenting it are refused from then on')
            break
        }
        'bifrost;admin;help;token;create' {
            break
        }
        'bifrost;admin;help;token;list' {
            break
        }
        'bifrost;admin;help;token;revoke' {
            break
        }
        'bifrost;admin;help;help' {
            break
        }
        'bifrost;login' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'An admin token (without it, and without --username, it is prompted for or read from stdin; prefer that: a flag''s value shows in the process list)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Log in with the admin login instead; the password is prompted for (or read from stdin) and a token is created for this CLI')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;logout' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;top' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;logs' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only this provider (repeatable)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Only this model (repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only `success` or `error`')
            [CompletionResult]::new('--vk', '--vk', [CompletionResultType]::ParameterName, 'Only this virtual key, by name or id (repeatable)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this long ago (`30s`, `15m`, `1h`, `2d`, `1w`) or an RFC 3339 time')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Until this long ago or an RFC 3339 time')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Only records whose request or response contains this text')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Records to list (newest first)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new records as they arrive, until Ctrl-C')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new records as they arrive, until Ctrl-C')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per line (NDJSON), for jq')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('compact', 'compact', [CompletionResultType]::ParameterValue, 'Give the space retention freed back to the filesystem (compact logs.redb). Queries answer "busy, retry" while it runs; the server''s writer waits')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one record with its content, pretty-printed')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count, error rate, latency percentiles, tokens and cost')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every matching record to a file or stdout. JSONL carries each record''s request and response content where it is still kept (content retention, content logging on); CSV carries the metadata only')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;logs;compact' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;logs;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;logs;stats' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only this provider (repeatable)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Only this model (repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only `success` or `error`')
            [CompletionResult]::new('--vk', '--vk', [CompletionResultType]::ParameterName, 'Only this virtual key, by name or id (repeatable)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this long ago (`30s`, `15m`, `1h`, `2d`, `1w`) or an RFC 3339 time')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Until this long ago or an RFC 3339 time')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Only records whose request or response contains this text')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;logs;export' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write here instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write here instead of stdout')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only this provider (repeatable)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Only this model (repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only `success` or `error`')
            [CompletionResult]::new('--vk', '--vk', [CompletionResultType]::ParameterName, 'Only this virtual key, by name or id (repeatable)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this long ago (`30s`, `15m`, `1h`, `2d`, `1w`) or an RFC 3339 time')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Until this long ago or an RFC 3339 time')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Only records whose request or response contains this text')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('--no-content', '--no-content', [CompletionResultType]::ParameterName, 'JSONL without the request and response content')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;logs;help' {
            [CompletionResult]::new('compact', 'compact', [CompletionResultType]::ParameterValue, 'Give the space retention freed back to the filesystem (compact logs.redb). Queries answer "busy, retry" while it runs; the server''s writer waits')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one record with its content, pretty-printed')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count, error rate, latency percentiles, tokens and cost')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every matching record to a file or stdout. JSONL carries each record''s request and response content where it is still kept (content retention, content logging on); CSV carries the metadata only')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;logs;help;compact' {
            break
        }
        'bifrost;logs;help;show' {
            break
        }
        'bifrost;logs;help;stats' {
            break
        }
        'bifrost;logs;help;export' {
            break
        }
        'bifrost;logs;help;help' {
            break
        }
        'bifrost;completions' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Manage the bifrost server at this URL over HTTP(S) instead of the local one, with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the gateway')
            [CompletionResult]::new('provider', 'provider', [CompletionResultType]::ParameterValue, 'Manage providers and their keys')
            [CompletionResult]::new('route', 'route', [CompletionResultType]::ParameterValue, 'Manage routing rules; explain where a request would go')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check or export configuration')
            [CompletionResult]::new('vk', 'vk', [CompletionResultType]::ParameterValue, 'Manage virtual keys: what an app or a person may call, how much and how fast')
            [CompletionResult]::new('team', 'team', [CompletionResultType]::ParameterValue, 'Manage teams: groups of keys sharing budgets')
            [CompletionResult]::new('customer', 'customer', [CompletionResultType]::ParameterValue, 'Manage customers: the top of the budget hierarchy')
            [CompletionResult]::new('admin', 'admin', [CompletionResultType]::ParameterValue, 'Manage the credentials that open the management API over TCP')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store a credential for the server at --url, after checking it there')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the credential for the server at --url')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Watch and manage the running server in a terminal dashboard')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Read the request log: list, follow, show, stats, export')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;help;serve' {
            break
        }
        'bifrost;help;provider' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a provider')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List providers')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one provider')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a provider''s settings')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a provider')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Manage a provider''s keys')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Make one real call through a provider and report latency and a verdict')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Live health of a provider''s keys (breaker, cooldown, error rate, p50 latency, share of recent traffic); needs a running server')
            [CompletionResult]::new('types', 'types', [CompletionResultType]::ParameterValue, 'List the provider types and their defaults')
            break
        }
        'bifrost;help;provider;add' {
            break
        }
        'bifrost;help;provider;list' {
            break
        }
        'bifrost;help;provider;show' {
            break
        }
        'bifrost;help;provider;update' {
            break
        }
        'bifrost;help;provider;remove' {
            break
        }
        'bifrost;help;provider;key' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a key to a provider')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List a provider''s keys (values masked)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a key')
            break
        }
        'bifrost;help;provider;key;add' {
            break
        }
        'bifrost;help;provider;key;list' {
            break
        }
        'bifrost;help;provider;key;remove' {
            break
        }
        'bifrost;help;provider;test' {
            break
        }
        'bifrost;help;provider;health' {
            break
        }
        'bifrost;help;provider;types' {
            break
        }
        'bifrost;help;route' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a routing rule')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List routing rules, the file''s first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one rule')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a rule')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Show where a request would go and why, without sending it')
            break
        }
        'bifrost;help;route;add' {
            break
        }
        'bifrost;help;route;list' {
            break
        }
        'bifrost;help;route;show' {
            break
        }
        'bifrost;help;route;remove' {
            break
        }
        'bifrost;help;route;explain' {
            break
        }
        'bifrost;help;config' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a config file; problems are printed as FILE:LINE:COLUMN: message')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the current setup as a bifrost.toml that reproduces it elsewhere')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the `[client]` settings in force (all, or KEY''s value), as the server''s Settings screen shows them; without a server, those the next start will use')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one `[client]` setting through the running server (or --url), or in the store without one. A setting bifrost.toml declares is refused: change it there')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Convert a reference gateway''s config.json into a bifrost.toml (printed, or written with -o), or write it into the store with --apply. Every setting that cannot be carried over is listed on stderr with the reason')
            break
        }
        'bifrost;help;config;validate' {
            break
        }
        'bifrost;help;config;export' {
            break
        }
        'bifrost;help;config;get' {
            break
        }
        'bifrost;help;config;set' {
            break
        }
        'bifrost;help;config;import' {
            break
        }
        'bifrost;help;vk' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a key; prints only its value on stdout (shown this once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (never their values)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one key (never its value)')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change a key''s settings; only the flags given change')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a key; requests using it are refused from then on')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Give a key a new value, printed on stdout; the old one stops working')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Let a disabled key through again')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Refuse a key''s requests (403) until it is enabled')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'A key''s spend and rate-limit use at every level it counts against')
            break
        }
        'bifrost;help;vk;create' {
            break
        }
        'bifrost;help;vk;list' {
            break
        }
        'bifrost;help;vk;show' {
            break
        }
        'bifrost;help;vk;update' {
            break
        }
        'bifrost;help;vk;delete' {
            break
        }
        'bifrost;help;vk;rotate' {
            break
        }
        'bifrost;help;vk;enable' {
            break
        }
        'bifrost;help;vk;disable' {
            break
        }
        'bifrost;help;vk;usage' {
            break
        }
        'bifrost;help;team' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create one')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List them')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change one; only the flags given change')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one; its keys are refused until attached elsewhere')
            break
        }
        'bifrost;help;team;create' {
            break
        }
        'bifrost;help;team;list' {
            break
        }
        'bifrost;help;team;show' {
            break
        }
        'bifrost;help;team;update' {
            break
        }
        'bifrost;help;team;delete' {
            break
        }
        'bifrost;help;customer' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create one')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List them')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Change one; only the flags given change')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one; its keys are refused until attached elsewhere')
            break
        }
        'bifrost;help;customer;create' {
            break
        }
        'bifrost;help;customer;list' {
            break
        }
        'bifrost;help;customer;show' {
            break
        }
        'bifrost;help;customer;update' {
            break
        }
        'bifrost;help;customer;delete' {
            break
        }
        'bifrost;help;admin' {
            [CompletionResult]::new('set-password', 'set-password', [CompletionResultType]::ParameterValue, 'Set the admin username and password for Basic auth (prompts twice on a terminal, else reads one line from stdin). Stored as an Argon2id hash')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Manage admin API tokens')
            break
        }
        'bifrost;help;admin;set-password' {
            break
        }
        'bifrost;help;admin;token' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a token; prints only its value on stdout (shown this once)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens: name, created, expires, last used (never values)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token; requests presenting it are refused from then on')
            break
        }
        'bifrost;help;admin;token;create' {
            break
        }
        'bifrost;help;admin;token;list' {
            break
        }
        'bifrost;help;admin;token;revoke' {
            break
        }
        'bifrost;help;login' {
            break
        }
        'bifrost;help;logout' {
            break
        }
        'bifrost;help;top' {
            break
        }
        'bifrost;help;logs' {
            [CompletionResult]::new('compact', 'compact', [CompletionResultType]::ParameterValue, 'Give the space retention freed back to the filesystem (compact logs.redb). Queries answer "busy, retry" while it runs; the server''s writer waits')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one record with its content, pretty-printed')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Count, error rate, latency percentiles, tokens and cost')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every matching record to a file or stdout. JSONL carries each record''s request and response content where it is still kept (content retention, content logging on); CSV carries the metadata only')
            break
        }
        'bifrost;help;logs;compact' {
            break
        }
        'bifrost;help;logs;show' {
            break
        }
        'bifrost;help;logs;stats' {
            break
        }
        'bifrost;help;logs;export' {
            break
        }
        'bifrost;help;completions' {
            break
        }
        'bifrost;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
