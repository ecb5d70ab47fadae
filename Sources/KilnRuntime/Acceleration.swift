import Foundation

/// How QEMU runs guest code: KVM when the host's `/dev/kvm` really accepts a virtual
/// machine, else TCG, QEMU's translator.
package enum Acceleration: String, Sendable {
    case kvm
    case tcg

    /// Probes the host: `/dev/kvm` must open, and a paused KVM machine must come up and stay
    /// up (nested hosts may refuse a vCPU's MSRs, and QEMU then aborts at once).
    static func probe(emulator: String) -> (Acceleration, String) {
        guard FileManager.default.fileExists(atPath: "/dev/kvm") else { return (.tcg, "no /dev/kvm") }
        guard let handle = FileHandle(forUpdatingAtPath: "/dev/kvm") else { return (.tcg, "/dev/kvm does not open") }
        try? handle.close()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: emulator)
        process.arguments = ["-accel", "kvm", "-cpu", "host", "-machine", "pc", "-m", "32", "-nodefaults", "-display", "none", "-S"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return (.tcg, "the KVM probe did not start: \(error)") }
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        guard process.isRunning else { return (.tcg, "/dev/kvm refused a machine (QEMU exited with \(process.terminationStatus))") }
        process.terminate()
        process.waitUntilExit()
        return (.kvm, "/dev/kvm accepted a machine")
    }
}
