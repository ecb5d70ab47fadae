import CoreMetrics
import Prometheus
import Synchronization

/// Counts and times every request, for `/metrics` in the Prometheus text format.
///
/// Metrics go to this server's own registry rather than the process-wide metrics system,
/// so several servers (in tests) each count only their own requests.
package struct RequestMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// The handles made so far. Making one looks it up in the registry by label and
    /// dimensions, which cost more than the counting itself when done on every request.
    private let handles: Handles

    /// Empty metrics.
    package init() {
        registry = PrometheusCollectorRegistry()
        factory = PrometheusMetricsFactory(registry: registry)
        handles = Handles()
    }

    /// Records one answered request.
    package func record(service: String, operation: String, status: Int, duration: Duration) {
        let (counter, timer) = handles.lookUp(service: service, operation: operation, status: status, factory: factory)
        counter.increment()
        timer.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// The counter and timer of each service, operation and status seen.
    private final class Handles: Sendable {
        private struct Key: Hashable {
            var service: String
            var operation: String
            var status: Int
        }

        private let made = Mutex<[Key: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])

        func lookUp(service: String, operation: String, status: Int, factory: PrometheusMetricsFactory) -> (CoreMetrics.Counter, CoreMetrics.Timer) {
            let key = Key(service: service, operation: operation, status: status)
            if let found = made.withLock({ $0[key] }) { return found }
            let handles = (
                CoreMetrics.Counter(
                    label: "kiln_requests_total",
                    dimensions: [("service", service), ("operation", operation), ("status", String(status))],
                    factory: factory
                ),
                CoreMetrics.Timer(label: "kiln_request_duration_seconds", dimensions: [("service", service)], factory: factory)
            )
            made.withLock { $0[key] = handles }
            return handles
        }
    }

    /// The metrics in Prometheus text format.
    package func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
