//! `sigap sop`, `sigap graph` and `sigap schema`: the procedure for people and editors.

use std::path::Path;
use std::process::ExitCode;

use sigap_core::definition::{graph, json_schema, sop::SopTable};

use super::files::load_definition;
use super::{GraphFormat, SopFormat, emit};

pub(crate) fn sop(file: &Path, format: SopFormat) -> anyhow::Result<ExitCode> {
    let definition = load_definition(file)?;
    let table = SopTable::new(&definition);
    match format {
        SopFormat::Markdown => emit(&table.to_markdown())?,
        SopFormat::Html => {
            let matrix = sigap_core::access::matrix::matrix(&definition);
            emit(&(crate::html::sop::document(&table, &matrix).into_string() + "\n"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn access(file: &Path, format: SopFormat) -> anyhow::Result<ExitCode> {
    let definition = load_definition(file)?;
    let matrix = sigap_core::access::matrix::matrix(&definition);
    match format {
        SopFormat::Markdown => emit(&matrix.to_markdown())?,
        SopFormat::Html => emit(&(crate::html::sop::access_document(&matrix).into_string() + "\n"))?,
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn graph(file: &Path, format: GraphFormat) -> anyhow::Result<ExitCode> {
    let definition = load_definition(file)?;
    match format {
        GraphFormat::Mermaid => emit(&graph::mermaid(&definition))?,
        GraphFormat::Dot => emit(&graph::dot(&definition))?,
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn schema(kind: super::SchemaKind) -> anyhow::Result<ExitCode> {
    let schema = match kind {
        super::SchemaKind::Workflow => json_schema(),
        super::SchemaKind::Calendar => sigap_core::calendar::calendar_json_schema(),
        super::SchemaKind::Holidays => sigap_core::calendar::holidays_json_schema(),
    };
    emit(&(serde_json::to_string_pretty(&schema)? + "\n"))?;
    Ok(ExitCode::SUCCESS)
}
