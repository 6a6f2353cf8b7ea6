//! `Content-Encoding` of request bodies: which codings a request declares, and a decoder
//! that stops at the body-size limit, so a decompression bomb costs at most the limit in
//! memory and is refused (413) instead of exhausting it.
//!
//! Pure: no HTTP framework and no runtime; `body.rs` decides where the CPU work runs.
//! The decoders stream (gzip and brotli have small fixed state; zstd's window is capped
//! at the 8 MiB RFC 9659 sets for HTTP), so memory is the window plus the output.

use std::io::Read;

use bytes::{Buf, Bytes};
use http::HeaderMap;

use crate::config::quote;

/// zstd window for HTTP content coding: RFC 9659 §3 caps it at 8 MiB (2^23), which
/// keeps a hostile frame from making the decoder allocate a 2 GiB window.
const ZSTD_WINDOW_LOG_MAX: u32 = 23;

/// Brotli's input buffer; the crate's own examples use 4 KiB.
const BROTLI_BUFFER: usize = 4096;

/// Content codings the gateway decodes, as the reference gateway does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// `gzip` (and its old alias `x-gzip`, which RFC 9110 asks recipients to accept).
    Gzip,
    /// `br`.
    Brotli,
    /// `zstd`.
    Zstd,
}

impl Coding {
    fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Brotli => "br",
            Coding::Zstd => "zstd",
        }
    }

    fn wrap(self, inner: Box<dyn Read + Send>) -> std::io::Result<Box<dyn Read + Send>> {
        Ok(match self {
            // Multi-member: a gzip body may be several concatenated members (RFC 1952).
            Coding::Gzip => Box::new(flate2::read::MultiGzDecoder::new(inner)),
            Coding::Brotli => {
                Box::new(brotli_decompressor::Decompressor::new(inner, BROTLI_BUFFER))
            }
            Coding::Zstd => {
                let mut decoder = zstd::stream::read::Decoder::new(inner)?;
                decoder.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
                Box::new(decoder)
            }
        })
    }
}

/// Why a body could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum EncodingError {
    /// A coding the gateway does not decode (415).
    #[error(
        "Content-Encoding {} is not supported; send the body as gzip, br or zstd, or \
         unencoded (identity)",
        quote(.0)
    )]
    Unsupported(String),
    /// The body is not valid data of its declared coding (400).
    #[error(
        "the request body does not decode as its Content-Encoding {coding}: {source}; \
         send it encoded as declared, or without Content-Encoding"
    )]
    Corrupt {
        /// The declared coding.
        coding: &'static str,
        /// What the decoder said.
        source: std::io::Error,
    },
    /// The decoded body is larger than the limit (413).
    #[error("the decoded request body is larger than the limit")]
    TooLarge,
}

/// The codings a request declares, in the order they were applied; empty for none or
/// `identity`. Several `Content-Encoding` lines count as one list (RFC 9110 §5.3).
pub fn codings(headers: &HeaderMap) -> Result<Vec<Coding>, EncodingError> {
    let mut out = Vec::new();
    for value in headers.get_all(http::header::CONTENT_ENCODING) {
        let text = String::from_utf8_lossy(value.as_bytes());
        for token in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            match token.to_ascii_lowercase().as_str() {
                "identity" => {}
                "gzip" | "x-gzip" => out.push(Coding::Gzip),
                "br" => out.push(Coding::Brotli),
                "zstd" => out.push(Coding::Zstd),
                _ => return Err(EncodingError::Unsupported(token.to_string())),
            }
        }
    }
    Ok(out)
}

/// A body being decoded, resumable so a caller can run the first part inline and the
/// rest elsewhere.
pub struct Decoder {
    reader: Box<dyn Read + Send>,
    /// The outermost coding, named in errors (the innermost are rarely the culprit and
    /// a stack of codings is rare).
    coding: &'static str,
    out: Vec<u8>,
    limit: usize,
}

impl Decoder {
    /// A decoder of `body`, encoded with `codings` in that order, that refuses output
    /// beyond `limit` bytes.
    pub fn new(codings: &[Coding], body: Bytes, limit: usize) -> Result<Self, EncodingError> {
        let outer = codings.last().copied().unwrap_or(Coding::Gzip);
        let mut reader: Box<dyn Read + Send> = Box::new(body.reader());
        // The last coding applied is the first to undo.
        for &coding in codings.iter().rev() {
            reader = coding
                .wrap(reader)
                .map_err(|source| EncodingError::Corrupt {
                    coding: coding.name(),
                    source,
                })?;
        }
        Ok(Decoder {
            reader,
            coding: outer.name(),
            out: Vec::new(),
            limit,
        })
    }

    /// Decodes up to `budget` more bytes of output; `Ok(true)` once the body is done.
    pub fn step(&mut self, budget: usize) -> Result<bool, EncodingError> {
        // One byte past the limit is enough to know the body is too large.
        let room = (self.limit + 1).saturating_sub(self.out.len());
        let want = budget.min(room);
        let got = (&mut self.reader)
            .take(want as u64)
            .read_to_end(&mut self.out)
            .map_err(|source| EncodingError::Corrupt {
                coding: self.coding,
                source,
            })?;
        if self.out.len() > self.limit {
            return Err(EncodingError::TooLarge);
        }
        Ok(got < want)
    }

    /// The decoded body.
    pub fn finish(self) -> Bytes {
        Bytes::from(self.out)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(data: &[u8]) -> Bytes {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        Bytes::from(e.finish().unwrap())
    }

    fn decode_all(codings: &[Coding], body: Bytes, limit: usize) -> Result<Bytes, EncodingError> {
        let mut d = Decoder::new(codings, body, limit)?;
        while !d.step(1000)? {}
        Ok(d.finish())
    }

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::CONTENT_ENCODING, value.parse().unwrap());
        h
    }

    #[test]
    fn codings_are_read_in_order_and_identity_is_nothing() {
        assert!(codings(&HeaderMap::new()).unwrap().is_empty());
        assert!(codings(&headers("identity")).unwrap().is_empty());
        assert_eq!(
            codings(&headers("gzip, BR,zstd")).unwrap(),
            [Coding::Gzip, Coding::Brotli, Coding::Zstd]
        );
        assert_eq!(codings(&headers("x-gzip")).unwrap(), [Coding::Gzip]);
        let err = codings(&headers("gzip, lzma")).unwrap_err();
        assert!(matches!(&err, EncodingError::Unsupported(c) if c == "lzma"));
        assert!(err.to_string().contains("`lzma` is not supported"), "{err}");
    }

    #[test]
    fn each_coding_round_trips() {
        let data = br#"{"model":"m","messages":[]}"#.repeat(100);
        assert_eq!(
            decode_all(&[Coding::Gzip], gzip(&data), 1 << 20).unwrap(),
            data
        );
        let zstd = zstd::encode_all(&data[..], 3).unwrap();
        assert_eq!(
            decode_all(&[Coding::Zstd], zstd.into(), 1 << 20).unwrap(),
            data
        );
        let mut br = Vec::new();
        brotli::BrotliCompress(&mut &data[..], &mut br, &Default::default()).unwrap();
        assert_eq!(
            decode_all(&[Coding::Brotli], br.into(), 1 << 20).unwrap(),
            data
        );
        // Stacked: gzip applied first, then zstd.
        let both = zstd::encode_all(&gzip(&data)[..], 3).unwrap();
        let out = decode_all(&[Coding::Gzip, Coding::Zstd], both.into(), 1 << 20).unwrap();
        assert_eq!(out, data);
    }

    #[test]
    fn output_stops_one_byte_past_the_limit() {
        let bomb = gzip(&vec![0u8; 10 << 20]);
        assert!(bomb.len() < 20_000, "{}", bomb.len());
        assert!(matches!(
            decode_all(&[Coding::Gzip], bomb.clone(), 1 << 20),
            Err(EncodingError::TooLarge)
        ));
        let mut d = Decoder::new(&[Coding::Gzip], bomb, 1 << 20).unwrap();
        let _ = d.step(usize::MAX);
        assert_eq!(d.out.len(), (1 << 20) + 1);
        // Exactly the limit is fine.
        let exact = gzip(&vec![1u8; 1000]);
        assert_eq!(
            decode_all(&[Coding::Gzip], exact, 1000).unwrap().len(),
            1000
        );
    }

    #[test]
    fn a_body_that_is_not_its_coding_is_corrupt() {
        let plain = Bytes::from_static(br#"{"model":"m"}"#);
        for coding in [Coding::Gzip, Coding::Brotli, Coding::Zstd] {
            let err = decode_all(&[coding], plain.clone(), 1 << 20).unwrap_err();
            assert!(
                matches!(err, EncodingError::Corrupt { coding: c, .. } if c == coding.name()),
                "{coding:?}: {err:?}"
            );
        }
        let data = br#"{"model":"m","messages":[]}"#.repeat(100);
        let truncated = gzip(&data).slice(..40);
        assert!(matches!(
            decode_all(&[Coding::Gzip], truncated, 1 << 20),
            Err(EncodingError::Corrupt { .. })
        ));
    }
}
