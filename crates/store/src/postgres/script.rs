//! The write script of a bulk ingest on PostgreSQL: the statements that store a batch, built
//! into one statement of data-modifying common table expressions, so the batch reaches the
//! database in one round trip and commits as a unit. Every part stands alone: none reads what
//! another writes. Each part takes its rows as one array per column (`unnest`), so the
//! statement's text depends only on which kinds of rows the batch has, never on how many: the
//! few texts there are stay prepared on each connection and are planned once, not per batch.

use serde_json::Value as JsonValue;
use sqlx::types::Json;
use sqlx::{Postgres, QueryBuilder};

use crate::sql::ingest_rows::{Param, PlannedRow};

/// The parts of one write script.
pub(crate) struct Script {
    builder: QueryBuilder<Postgres>,
    parts: usize,
}

impl Script {
    pub fn new() -> Self {
        Self { builder: QueryBuilder::new("with "), parts: 0 }
    }

    /// The builder to append the next part to.
    pub fn part(&mut self) -> &mut QueryBuilder<Postgres> {
        if self.parts > 0 {
            self.builder.push("), ");
        }
        self.builder.push(format_args!("part{} as (", self.parts));
        self.parts += 1;
        &mut self.builder
    }

    /// Adds a part that writes these rows (none when there are none).
    pub fn rows<R: PlannedRow>(&mut self, rows: impl IntoIterator<Item = R>) {
        let mut columns: Vec<Column> = Vec::new();
        for row in rows {
            let params = row.params();
            if columns.is_empty() {
                columns = params.iter().map(Column::of).collect();
            }
            for (column, param) in columns.iter_mut().zip(params) {
                column.push(param);
            }
        }
        if columns.is_empty() {
            return;
        }
        let part = self.part();
        part.push(R::INSERT).push("select * from unnest(");
        for (i, column) in columns.into_iter().enumerate() {
            if i > 0 {
                part.push(", ");
            }
            column.bind(part);
        }
        part.push(")").push(R::ON_CONFLICT);
    }

    /// The finished query; `None` when the script has no part.
    pub fn finish(mut self) -> Option<QueryBuilder<Postgres>> {
        if self.parts == 0 {
            return None;
        }
        self.builder.push(") select 1");
        Some(self.builder)
    }
}

/// The values of one column of a part's rows, bound as one array.
enum Column {
    Id(Vec<uuid::Uuid>),
    Int(Vec<i64>),
    Int32(Vec<i32>),
    Bool(Vec<bool>),
    Text(Vec<String>),
    OptText(Vec<Option<String>>),
    Json(Vec<Json<JsonValue>>),
    OptJson(Vec<Option<Json<JsonValue>>>),
}

impl Column {
    /// An empty column of the type `param` has.
    fn of(param: &Param<'_>) -> Self {
        match param {
            Param::Id(_) => Self::Id(Vec::new()),
            Param::Int(_) => Self::Int(Vec::new()),
            Param::Int32(_) => Self::Int32(Vec::new()),
            Param::Bool(_) => Self::Bool(Vec::new()),
            Param::Text(_) => Self::Text(Vec::new()),
            Param::OptText(_) => Self::OptText(Vec::new()),
            Param::Json(_) => Self::Json(Vec::new()),
            Param::OptJson(_) => Self::OptJson(Vec::new()),
        }
    }

    fn push(&mut self, param: Param<'_>) {
        match (self, param) {
            (Self::Id(column), Param::Id(id)) => column.push(id),
            (Self::Int(column), Param::Int(value)) => column.push(value),
            (Self::Int32(column), Param::Int32(value)) => column.push(value),
            (Self::Bool(column), Param::Bool(value)) => column.push(value),
            (Self::Text(column), Param::Text(text)) => column.push(text.to_owned()),
            (Self::OptText(column), Param::OptText(text)) => column.push(text.map(str::to_owned)),
            (Self::Json(column), Param::Json(value)) => column.push(Json(value)),
            (Self::OptJson(column), Param::OptJson(value)) => column.push(value.map(Json)),
            (_, param) => unreachable!("every row of a kind has the same column types; {param:?} differs"),
        }
    }

    /// Binds the column as an array of its PostgreSQL type.
    fn bind(self, query: &mut QueryBuilder<Postgres>) {
        match self {
            Self::Id(values) => query.push_bind(values).push("::uuid[]"),
            Self::Int(values) => query.push_bind(values).push("::int8[]"),
            Self::Int32(values) => query.push_bind(values).push("::int4[]"),
            Self::Bool(values) => query.push_bind(values).push("::bool[]"),
            Self::Text(values) => query.push_bind(values).push("::text[]"),
            Self::OptText(values) => query.push_bind(values).push("::text[]"),
            Self::Json(values) => query.push_bind(values).push("::jsonb[]"),
            Self::OptJson(values) => query.push_bind(values).push("::jsonb[]"),
        };
    }
}
