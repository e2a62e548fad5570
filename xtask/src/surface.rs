//! A compact listing of the generated crate's public API, for snapshot review.
//!
//! The generated file is thousands of lines; this listing (operations with their parameters,
//! builder setters, model fields) is what a reviewer reads when the spec changes.

use std::fmt::Write as _;

use quote::ToTokens;

use crate::CodegenError;
use crate::error::one_line;

/// Lists the public API of generated code.
pub fn surface(code: &str) -> Result<String, CodegenError> {
    let file = syn::parse_file(code).map_err(|e| CodegenError::Generator {
        path: "generated code".into(),
        message: one_line(e),
    })?;
    let mut out = String::new();
    list_items(&mut out, "", &file.items);
    Ok(out)
}

fn list_items(out: &mut String, prefix: &str, items: &[syn::Item]) {
    for item in items {
        match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                let _ = writeln!(out, "struct {prefix}{}", s.ident);
                for field in &s.fields {
                    if let (Some(name), true) = (&field.ident, is_pub(&field.vis)) {
                        let _ = writeln!(out, "    {name}: {}", fmt_type(&field.ty));
                    }
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let variants: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| {
                        let wire = serde_rename(&v.attrs);
                        match (&v.fields, wire) {
                            (syn::Fields::Unit, Some(w)) => format!("{} = {w:?}", v.ident),
                            (syn::Fields::Unit, None) => v.ident.to_string(),
                            (fields, _) => format!(
                                "{}{}",
                                v.ident,
                                squash(&fields.to_token_stream().to_string())
                            ),
                        }
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "enum {prefix}{} {{ {} }}",
                    e.ident,
                    variants.join(", ")
                );
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let self_ty = fmt_type(&i.self_ty);
                for member in &i.items {
                    if let syn::ImplItem::Fn(f) = member
                        && is_pub(&f.vis)
                    {
                        let _ = writeln!(out, "impl {prefix}{self_ty}: {}", fmt_sig(&f.sig));
                    }
                }
            }
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    list_items(out, &format!("{prefix}{}::", m.ident), inner);
                }
            }
            _ => {}
        }
    }
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        if !a.path().is_ident("serde") {
            return None;
        }
        let text = a.to_token_stream().to_string();
        let start = text.find("rename = \"")? + "rename = \"".len();
        let end = text[start..].find('"')?;
        Some(text[start..start + end].to_string())
    })
}

fn fmt_type(ty: &syn::Type) -> String {
    let file: syn::File = syn::parse_quote!(type T = #ty;);
    let text = prettyplease::unparse(&file);
    let text = text.trim().trim_start_matches("type T =");
    squash(text.trim_end_matches(';'))
}

fn fmt_sig(sig: &syn::Signature) -> String {
    let file: syn::File = syn::parse_quote!(#sig {});
    let text = squash(&prettyplease::unparse(&file));
    text.trim_end_matches("{}").trim_end().to_string()
}

/// Collapses whitespace and the spaces token printing leaves around punctuation, and shortens
/// the fully qualified paths generated code uses.
fn squash(text: &str) -> String {
    let mut joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (long, short) in [
        ("::std::option::Option", "Option"),
        ("::std::string::String", "String"),
        ("::std::vec::Vec", "Vec"),
        ("::std::collections::BTreeMap", "BTreeMap"),
        ("::std::num::", ""),
        ("::serde_json::", "serde_json::"),
        ("std::convert::TryInto", "TryInto"),
        ("::std::result::Result", "Result"),
    ] {
        joined = joined.replace(long, short);
    }
    joined
        .replace(":: ", "::")
        .replace(" ::", "::")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace(",)", ")")
        .replace(",>", ">")
        .replace(", }", " }")
}
