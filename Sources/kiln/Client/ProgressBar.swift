import Foundation
import Synchronization

/// A one-line progress bar on standard error: bytes done, rate and time left.
final class ProgressBar: Sendable {
    private let total: Int
    private let label: String
    private let started = Date()
    private let state = Mutex((done: 0, lastDrawn: Date.distantPast))
    private let enabled: Bool

    init(label: String, total: Int, enabled: Bool = isatty(STDERR_FILENO) != 0) {
        self.label = label
        self.total = total
        self.enabled = enabled
    }

    /// Counts `bytes` more as done, redrawing at most ten times a second.
    func advance(by bytes: Int) {
        let now = Date()
        let snapshot: Int? = state.withLock { state in
            state.done += bytes
            guard now.timeIntervalSince(state.lastDrawn) >= 0.1 || state.done >= total else { return nil }
            state.lastDrawn = now
            return state.done
        }
        if let done = snapshot, enabled { draw(done) }
    }

    /// Draws the final line.
    func finish() -> (bytes: Int, seconds: Double) {
        let done = state.withLock { $0.done }
        if enabled {
            draw(done)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return (done, Date().timeIntervalSince(started))
    }

    private func draw(_ done: Int) {
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let rate = Double(done) / elapsed
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let line = String(
            format: "\r%@ [%@%@] %5.1f%%  %@ / %@  %@/s  ETA %@ ",
            label,
            String(repeating: "#", count: filled),
            String(repeating: ".", count: width - filled),
            fraction * 100,
            Self.bytes(Double(done)),
            Self.bytes(Double(total)),
            Self.bytes(rate),
            Self.duration(eta)
        )
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = value
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: unit == 0 ? "%.0f %@" : "%.1f %@", value, units[unit])
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600
            ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60) : String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
