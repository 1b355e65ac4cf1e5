//! The part of the shootout other crates use: which demos the workshop
//! has and how to build them (the conformance suite runs the same
//! binaries). The measuring and reporting live in the binary.

pub mod approaches;
