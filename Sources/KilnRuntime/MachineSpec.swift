import Foundation
import KilnCore

/// One machine's QEMU command line: its size, firmware, console, control socket and disks.
struct MachineSpec: Sendable {
    /// A disk: a volume served over NBD, presented as an NVMe controller whose serial is the
    /// volume id without its dash, as on Nitro.
    struct Disk: Sendable {
        var volumeID: String
        var socketPath: String
        var boots: Bool
    }

    var instanceID: String
    var acceleration: Acceleration
    var memoryMiB: Int
    var vCPUs: Int
    /// UEFI firmware, or nil for the BIOS.
    var uefiFirmware: String?
    var qmpPath: String
    var consolePath: String
    var disks: [Disk]
    /// The instance's network; nil for a machine without one.
    var network: MachineNetwork? = nil
    /// What QEMU runs for each guest connection to the metadata address (a command line
    /// without commas); nil for no metadata service.
    var metadataCommand: String? = nil
    /// The instance type, as the SMBIOS product name.
    var instanceType = ""

    /// The arguments after the emulator's name.
    var arguments: [String] {
        var arguments = [
            "-name", instanceID,
            "-machine", "pc", "-accel", acceleration.rawValue,
            "-m", "\(memoryMiB)", "-smp", "\(vCPUs)",
            "-nodefaults", "-no-user-config", "-display", "none", "-vga", "std",
            "-chardev", "file,id=console,path=\(consolePath),append=on", "-serial", "chardev:console",
            "-qmp", "unix:\(qmpPath),server=on,wait=off",
            "-smbios", "type=1,manufacturer=Amazon EC2,product=\(instanceType),serial=\(systemUUID),uuid=\(systemUUID)",
        ]
        arguments += networkArguments
        if acceleration == .kvm { arguments += ["-cpu", "host"] }
        if let uefiFirmware { arguments += ["-bios", uefiFirmware] }
        for disk in disks {
            arguments += ["-blockdev", Self.blockdev(disk), "-device", Self.device(disk)]
        }
        return arguments
    }

    /// The NBD node of a disk, as `-blockdev` JSON.
    static func blockdev(_ disk: Disk) -> String {
        #"{"driver":"nbd","node-name":"\#(nodeName(disk.volumeID))","server":{"type":"unix","path":"\#(disk.socketPath)"},"export":"\#(disk.volumeID)"}"#
    }

    /// The NVMe controller of a disk, as `-device` options.
    static func device(_ disk: Disk) -> String {
        "nvme,id=\(deviceID(disk.volumeID)),drive=\(nodeName(disk.volumeID)),serial=\(serial(disk.volumeID)),mdts=\(transferExponent)"
            + (disk.boots ? ",bootindex=0" : "")
    }

    /// The largest transfer of a disk's NVMe controller, as a power of two of 4 KiB pages
    /// (`mdts`): 2^8 pages, 1 MiB, twice QEMU's default. A guest's sequential reads and writes
    /// then reach the NBD server as 1 MiB requests, two volume blocks each, and a write's
    /// payload arrives as two block-sized arrays that the export keeps as they are.
    static let transferExponent = 8

    static func nodeName(_ volumeID: String) -> String { "node-\(volumeID)" }
    static func deviceID(_ volumeID: String) -> String { "nvme-\(volumeID)" }
    /// The NVMe serial of a volume: its id without the dash (20 characters, NVMe's limit).
    static func serial(_ volumeID: String) -> String { volumeID.replacingOccurrences(of: "-", with: "") }
}
