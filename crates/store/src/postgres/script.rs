//! The write script of a bulk ingest on PostgreSQL: the statements that store a batch, built
//! into one statement of data-modifying common table expressions, so the batch reaches the
//! database in one round trip and commits as a unit. Every part stands alone: none reads what
//! another writes.

use sqlx::{Postgres, QueryBuilder};

use crate::sql::ingest_plan::{Param, PlannedRow};

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
        let mut rows = rows.into_iter().peekable();
        if rows.peek().is_none() {
            return;
        }
        let part = self.part();
        part.push(R::INSERT);
        part.push_values(rows, |mut values, row| {
            for param in row.params() {
                match param {
                    Param::Id(id) => values.push_bind(id),
                    Param::Int(value) => values.push_bind(value),
                    Param::Int32(value) => values.push_bind(value),
                    Param::Bool(value) => values.push_bind(value),
                    Param::Text(text) => values.push_bind(text.to_owned()),
                    Param::OptText(text) => values.push_bind(text.map(str::to_owned)),
                    Param::Json(value) => values.push_bind(sqlx::types::Json(value)),
                    Param::OptJson(value) => values.push_bind(value.map(sqlx::types::Json)),
                };
            }
        });
        part.push(R::ON_CONFLICT);
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
