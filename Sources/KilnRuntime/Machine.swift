import Foundation
import Glibc
import KilnIMDS
import KilnNBD

/// A running QEMU and what it holds: its process, control socket and disks' NBD servers.
final class Machine {
    let instanceID: String
    let process: Process
    let directory: URL
    let qmpPath: String
    /// The NBD server of each disk, by volume id.
    var servers: [String: NBDServer]
    /// The export behind each server, by volume id.
    var exports: [String: VolumeExport]
    /// The instance's metadata service, when it has one.
    var metadataServer: MetadataHTTPServer?
    /// The host ports forwarded to the guest's, and the loopback address they are forwarded from.
    var forwards: (address: String, ports: Set<Int>)?
    /// When Kiln pressed the power button, for StopInstances.
    var powerButtonPressed: Date?
    /// Whether Kiln asked the machine to end (a stop or a termination).
    var endRequested = false
    /// Whether the process has exited and its end is being recorded.
    var exited = false
    /// The console file's size when the machine started: what the guest printed since is beyond it.
    var consoleSizeAtBoot = 0
    /// The instance's reboot requests this machine has carried out, or that came before it.
    var rebootsSeen = 0
    /// The last screenshot request of another node that this machine answered.
    var screenshotAnswered: String?

    init(instanceID: String, process: Process, directory: URL, qmpPath: String, servers: [String: NBDServer], exports: [String: VolumeExport]) {
        self.exports = exports
        self.instanceID = instanceID
        self.process = process
        self.directory = directory
        self.qmpPath = qmpPath
        self.servers = servers
    }

    /// Ends the process at once.
    func kill() {
        endRequested = true
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    /// Closes the machine's metadata service, and hands over every disk's server and export
    /// for the caller to close and write back, leaving the machine with none.
    func releaseResources() -> (servers: [NBDServer], exports: [VolumeExport]) {
        metadataServer?.close()
        metadataServer = nil
        defer {
            servers = [:]
            exports = [:]
        }
        return (Array(servers.values), Array(exports.values))
    }
}
