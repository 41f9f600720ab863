#if ServiceLifecycle
import ServiceLifecycle

/// With the package's `ServiceLifecycle` trait, a reporter runs as a service of a `ServiceGroup`:
/// ``StatsReporter/run()`` returns on graceful shutdown. Declared here, beside the type, so that
/// your code needs no conformance of its own (which would be retroactive).
extension StatsReporter: Service {}
#endif
