//! The provider types bifrost knows: which adapter serves each, its default base URL,
//! and whether it needs a key. One exhaustive `match` holds the facts, so a new type
//! cannot be added without them.

use serde::{Deserialize, Serialize};

/// The kinds of upstream bifrost knows: a native wire protocol, or an OpenAI-compatible
/// service whose base URL and auth bifrost already knows (a preset), so that
/// `bifrost provider add groq --key-env GROQ_API_KEY` needs nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderType {
    /// api.openai.com, `Authorization: Bearer`.
    Openai,
    /// Any server speaking the OpenAI wire format at a base URL of your choice.
    OpenaiCompatible,
    /// api.anthropic.com, the Messages API, `x-api-key`.
    Anthropic,
    /// Google AI Studio (generativelanguage.googleapis.com), `generateContent`,
    /// `x-goog-api-key`.
    Gemini,
    /// Azure OpenAI: the OpenAI wire at each key's resource endpoint and deployments.
    Azure,
    /// api.cohere.com, Cohere's v2 chat/embed/rerank API, `Authorization: Bearer`.
    Cohere,
    /// Google Vertex AI: the endpoint follows each key's region, auth is a service account.
    Vertex,
    /// Groq (OpenAI-compatible preset).
    Groq,
    /// Mistral La Plateforme (OpenAI-compatible preset).
    Mistral,
    /// xAI Grok (OpenAI-compatible preset).
    Xai,
    /// DeepSeek (OpenAI-compatible preset).
    Deepseek,
    /// OpenRouter (OpenAI-compatible preset).
    Openrouter,
    /// Together AI (OpenAI-compatible preset).
    Together,
    /// Fireworks AI (OpenAI-compatible preset).
    Fireworks,
    /// Cerebras (OpenAI-compatible preset).
    Cerebras,
    /// Perplexity (OpenAI-compatible preset).
    Perplexity,
    /// Nebius AI Studio (OpenAI-compatible preset).
    Nebius,
    /// Hugging Face inference router (OpenAI-compatible preset).
    Huggingface,
    /// A local Ollama server (OpenAI-compatible preset, no key).
    Ollama,
    /// A vLLM server (OpenAI-compatible preset, no key).
    Vllm,
    /// A local LM Studio server (OpenAI-compatible preset, no key).
    Lmstudio,
    /// AWS Bedrock (Converse API, SigV4 or a Bedrock API key); the endpoint follows
    /// each key's region unless `base_url` is set.
    Bedrock,
    /// Built in: answers without any network, for demos, tests and benchmarks.
    Mock,
}

/// Which adapter a [`ProviderType`] is served by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// The OpenAI chat-completions wire format (`Authorization: Bearer`).
    Openai,
    /// Anthropic's Messages API.
    Anthropic,
    /// Google's Gemini API (`generateContent`).
    Gemini,
    /// The OpenAI wire addressed the Azure way (deployments, `api-version`, `api-key`).
    Azure,
    /// Cohere's v2 API.
    Cohere,
    /// Vertex AI (Claude via rawPredict, Gemini via generateContent).
    Vertex,
    /// AWS Bedrock's Converse API, SigV4-signed.
    Bedrock,
    /// The built-in mock.
    Mock,
}

/// What bifrost knows about one provider type.
struct TypeInfo {
    name: &'static str,
    wire: Wire,
    base_url: Option<&'static str>,
    needs_key: bool,
}

const fn openai_preset(name: &'static str, base_url: &'static str, needs_key: bool) -> TypeInfo {
    TypeInfo {
        name,
        wire: Wire::Openai,
        base_url: Some(base_url),
        needs_key,
    }
}

use ProviderType as T;

impl ProviderType {
    /// Every type, in the order `bifrost provider types` lists them.
    pub const ALL: [ProviderType; 23] = [
        T::Openai,
        T::OpenaiCompatible,
        T::Anthropic,
        T::Gemini,
        T::Azure,
        T::Cohere,
        T::Vertex,
        T::Bedrock,
        T::Groq,
        T::Mistral,
        T::Xai,
        T::Deepseek,
        T::Openrouter,
        T::Together,
        T::Fireworks,
        T::Cerebras,
        T::Perplexity,
        T::Nebius,
        T::Huggingface,
        T::Ollama,
        T::Vllm,
        T::Lmstudio,
        T::Mock,
    ];

    /// Every type, in listing order.
    pub fn all() -> impl Iterator<Item = ProviderType> {
        Self::ALL.into_iter()
    }

    fn info(self) -> TypeInfo {
        match self {
            T::Openai => openai_preset("openai", "https://api.openai.com/v1", true),
            T::OpenaiCompatible => TypeInfo {
                name: "openai-compatible",
                wire: Wire::Openai,
                base_url: None,
                needs_key: true,
            },
            T::Anthropic => TypeInfo {
                name: "anthropic",
                wire: Wire::Anthropic,
                base_url: Some("https://api.anthropic.com/v1"),
                needs_key: true,
            },
            T::Gemini => TypeInfo {
                name: "gemini",
                wire: Wire::Gemini,
                base_url: Some("https://generativelanguage.googleapis.com/v1beta"),
                needs_key: true,
            },
            // The endpoint is per key (azure_key_config.endpoint), so there is no base URL.
            T::Azure => TypeInfo {
                name: "azure",
                wire: Wire::Azure,
                base_url: None,
                needs_key: true,
            },
            T::Cohere => TypeInfo {
                name: "cohere",
                wire: Wire::Cohere,
                base_url: Some("https://api.cohere.com/v2"),
                needs_key: true,
            },
            // No fixed base URL: it is built from each key's region unless one is set.
            T::Vertex => TypeInfo {
                name: "vertex",
                wire: Wire::Vertex,
                base_url: None,
                needs_key: true,
            },
            T::Groq => openai_preset("groq", "https://api.groq.com/openai/v1", true),
            T::Mistral => openai_preset("mistral", "https://api.mistral.ai/v1", true),
            T::Xai => openai_preset("xai", "https://api.x.ai/v1", true),
            T::Deepseek => openai_preset("deepseek", "https://api.deepseek.com/v1", true),
            T::Openrouter => openai_preset("openrouter", "https://openrouter.ai/api/v1", true),
            T::Together => openai_preset("together", "https://api.together.xyz/v1", true),
            T::Fireworks => {
                openai_preset("fireworks", "https://api.fireworks.ai/inference/v1", true)
            }
            T::Cerebras => openai_preset("cerebras", "https://api.cerebras.ai/v1", true),
            T::Perplexity => openai_preset("perplexity", "https://api.perplexity.ai", true),
            T::Nebius => openai_preset("nebius", "https://api.studio.nebius.com/v1", true),
            T::Huggingface => {
                openai_preset("huggingface", "https://router.huggingface.co/v1", true)
            }
            T::Ollama => openai_preset("ollama", "http://127.0.0.1:11434/v1", false),
            T::Vllm => openai_preset("vllm", "http://127.0.0.1:8000/v1", false),
            T::Lmstudio => openai_preset("lmstudio", "http://127.0.0.1:1234/v1", false),
            T::Bedrock => TypeInfo {
                name: "bedrock",
                wire: Wire::Bedrock,
                // https://bedrock-runtime.{region}.amazonaws.com, from each key's region.
                base_url: None,
                needs_key: true,
            },
            T::Mock => TypeInfo {
                name: "mock",
                wire: Wire::Mock,
                base_url: None,
                needs_key: false,
            },
        }
    }

    /// The name used in config files and on the command line.
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// The adapter that serves this type.
    pub fn wire(self) -> Wire {
        self.info().wire
    }

    /// The base URL used when none is configured.
    pub fn default_base_url(self) -> Option<&'static str> {
        self.info().base_url
    }

    /// Whether requests need a key to be sent (local servers and the mock do not).
    pub fn needs_key(self) -> bool {
        self.info().needs_key
    }
}

impl std::str::FromStr for ProviderType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ProviderType::all()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = ProviderType::all().map(|t| t.as_str()).collect();
                format!(
                    "unknown provider type `{s}`; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_type_has_a_row() {
        let json = |t: ProviderType| serde_json::to_value(t).unwrap();
        for t in ProviderType::all() {
            assert_eq!(json(t), t.as_str(), "serde name and table name differ");
            assert_eq!(t.as_str().parse::<ProviderType>().unwrap(), t);
        }
        for name in ["groq", "ollama", "huggingface", "mock"] {
            let t: ProviderType = serde_json::from_value(json!(name)).unwrap();
            assert_eq!(t.as_str(), name);
        }
    }

    #[test]
    fn unknown_type_lists_the_known_ones() {
        let err = "opnai".parse::<ProviderType>().unwrap_err();
        assert!(err.contains("openai-compatible"), "{err}");
    }
}
