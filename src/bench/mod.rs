//! Benchmarks behind `switchboard bench`: load generators over loopback that report figures and
//! never assert a time. Each one stops by itself after a fixed number of requests.

pub mod ceiling;
pub mod inbox;
pub mod ingest;
pub mod load;
pub mod whatsapp_rate;
pub mod workload;
