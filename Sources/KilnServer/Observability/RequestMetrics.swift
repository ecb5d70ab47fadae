import CoreMetrics
import Prometheus

/// Counts and times every request, for `/metrics` in the Prometheus text format.
///
/// Metrics go to this server's own registry rather than the process-wide metrics system,
/// so several servers (in tests) each count only their own requests.
public struct RequestMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    /// Empty metrics.
    public init() {
        registry = PrometheusCollectorRegistry()
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Records one answered request.
    public func record(service: String, operation: String, status: Int, duration: Duration) {
        Counter(
            label: "kiln_requests_total",
            dimensions: [("service", service), ("operation", operation), ("status", String(status))],
            factory: factory
        ).increment()
        Timer(label: "kiln_request_duration_seconds", dimensions: [("service", service)], factory: factory).recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        )
    }

    /// The metrics in Prometheus text format.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
