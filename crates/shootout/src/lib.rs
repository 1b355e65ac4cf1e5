//! Which demos the workshop has, and how to build them or find them
//! built. The measuring and reporting live in the binary.

pub mod approaches;
