//! Which request headers routing rules read, found in their compiled expressions.
//!
//! A rule on `headers["x-tier"]` needs one header, but the `headers` variable is a
//! CEL map: built from every header of every request, it cost more than the rest of
//! the rule's evaluation. When each rule names the headers it reads with literals
//! (`headers["x"]`, `headers.x`, `"x" in headers`, `has(headers.x)`), only those go
//! into the map; any other use of `headers` (a comprehension over it, a computed
//! key) makes the map whole again.

use std::collections::BTreeSet;

use cel::common::ast::{EntryExpr, Expr};
use cel::common::value::CelVal;
use cel::IdedExpr;

/// The variable routing rules read headers through.
const HEADERS: &str = "headers";

/// The header names (lower-cased) `expr` reads, added to `names`; `false` when it
/// reads `headers` in a way that needs every header.
pub(super) fn collect(expr: &IdedExpr, names: &mut BTreeSet<String>) -> bool {
    match &expr.expr {
        Expr::Ident(name) => name != HEADERS,
        Expr::Call(call) => {
            let args = &call.args;
            let literal_of_headers = match call.func_name.as_str() {
                // headers["x"], headers[?"x"]
                "_[_]" | "_[?_]" if args.len() == 2 && is_headers(&args[0]) => literal(&args[1]),
                // "x" in headers
                "@in" if args.len() == 2 && is_headers(&args[1]) => literal(&args[0]),
                _ => None,
            };
            if let Some(name) = literal_of_headers {
                names.insert(name.to_ascii_lowercase());
                return true;
            }
            call.target.as_deref().is_none_or(|t| collect(t, names))
                && args.iter().all(|a| collect(a, names))
        }
        // headers.x, has(headers.x)
        Expr::Select(select) if is_headers(&select.operand) => {
            names.insert(select.field.to_ascii_lowercase());
            true
        }
        Expr::Select(select) => collect(&select.operand, names),
        Expr::Comprehension(c) => [
            &c.iter_range,
            &c.accu_init,
            &c.loop_cond,
            &c.loop_step,
            &c.result,
        ]
        .into_iter()
        .all(|e| collect(e, names)),
        Expr::List(list) => list.elements.iter().all(|e| collect(e, names)),
        Expr::Map(map) => map.entries.iter().all(|e| match &e.expr {
            EntryExpr::MapEntry(m) => collect(&m.key, names) && collect(&m.value, names),
            EntryExpr::StructField(f) => collect(&f.value, names),
        }),
        Expr::Struct(s) => s.entries.iter().all(|e| match &e.expr {
            EntryExpr::MapEntry(m) => collect(&m.key, names) && collect(&m.value, names),
            EntryExpr::StructField(f) => collect(&f.value, names),
        }),
        Expr::Literal(_) | Expr::Unspecified => true,
    }
}

fn is_headers(expr: &IdedExpr) -> bool {
    matches!(&expr.expr, Expr::Ident(name) if name == HEADERS)
}

fn literal(expr: &IdedExpr) -> Option<&str> {
    match &expr.expr {
        Expr::Literal(CelVal::String(s)) => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(source: &str) -> Option<Vec<String>> {
        let program = cel::Program::compile(source).expect("compiles");
        let mut names = BTreeSet::new();
        collect(program.expression(), &mut names).then(|| names.into_iter().collect())
    }

    #[test]
    fn literal_reads_name_their_headers() {
        assert_eq!(
            read(r#"headers["X-Tier"] == "premium" && has(headers.region)"#),
            Some(vec!["region".to_string(), "x-tier".to_string()])
        );
        assert_eq!(
            read(r#""x-team" in headers || model == "gpt-4o""#),
            Some(vec!["x-team".to_string()])
        );
        assert_eq!(read(r#"model == "gpt-4o""#), Some(vec![]));
    }

    #[test]
    fn any_other_use_needs_every_header() {
        assert_eq!(read(r#"headers.exists(k, k.startsWith("x-"))"#), None);
        assert_eq!(read(r#"headers[model] == "a""#), None);
        assert_eq!(read("size(headers) > 3"), None);
    }
}
