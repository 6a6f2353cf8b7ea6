
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
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the gateway')
            [CompletionResult]::new('provider', 'provider', [CompletionResultType]::ParameterValue, 'Manage providers and their keys')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check or export configuration')
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
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
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
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
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
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;remove' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;key' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
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
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;key;remove' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
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
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;provider;types' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
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
        'bifrost;provider;help;types' {
            break
        }
        'bifrost;provider;help;help' {
            break
        }
        'bifrost;config' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a config file; problems are printed as FILE:LINE:COLUMN: message')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the current setup as a bifrost.toml that reproduces it elsewhere')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;config;validate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file, as for `serve`')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;config;export' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The server''s config file, whose [server], [client] and [admin] are kept')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('--include-secrets', '--include-secrets', [CompletionResultType]::ParameterName, 'Print literal key values in clear (default: masked; `env.` references are always kept)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;config;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a config file; problems are printed as FILE:LINE:COLUMN: message')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the current setup as a bifrost.toml that reproduces it elsewhere')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'bifrost;config;help;validate' {
            break
        }
        'bifrost;config;help;export' {
            break
        }
        'bifrost;config;help;help' {
            break
        }
        'bifrost;completions' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding the store and the management socket')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'bifrost;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the gateway')
            [CompletionResult]::new('provider', 'provider', [CompletionResultType]::ParameterValue, 'Manage providers and their keys')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check or export configuration')
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
        'bifrost;help;provider;types' {
            break
        }
        'bifrost;help;config' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a config file; problems are printed as FILE:LINE:COLUMN: message')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the current setup as a bifrost.toml that reproduces it elsewhere')
            break
        }
        'bifrost;help;config;validate' {
            break
        }
        'bifrost;help;config;export' {
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
