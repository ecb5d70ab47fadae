import Foundation

/// What `kiln serve --runtime qemu` is told about the machines it may run.
package struct QEMUSettings: Sendable {
    /// Where consoles are kept: `DATA/consoles/i-….log`.
    package var dataDirectory: String
    /// The most memory one machine gets, in MiB, whatever its instance type.
    package var maxMemoryMiB = 1024
    /// The most virtual CPUs one machine gets.
    package var maxVCPUs = 2
    /// The memory all machines together may use, in MiB; a launch beyond it is refused with
    /// `InsufficientInstanceCapacity`. Half the host's memory unless set.
    package var memoryBudgetMiB: Int?
    /// How long StopInstances waits for a guest to power off after the ACPI power button.
    package var stopTimeout: Duration = .seconds(30)
    /// The emulator for x86_64 and i386 images.
    package var x86Emulator = "qemu-system-x86_64"
    /// The emulator for arm64 images.
    package var armEmulator = "qemu-system-aarch64"
    /// The program QEMU runs for each guest connection to the instance metadata address, with
    /// the instance's metadata socket as its last argument: `kiln metadata-relay`. Without
    /// one, guests have no metadata service.
    package var metadataRelay: [String]?
    /// Whether flushed small writes wait in a journal per volume (`DATA/journals/`) for a
    /// checkpoint, rather than each flush storing every block it changed.
    package var journalsSmallWrites = true
    /// The UEFI firmware for `uefi` images, when installed.
    package var uefiFirmware = ["/usr/share/ovmf/OVMF.fd", "/usr/share/qemu/OVMF.fd"]

    /// Settings with the defaults, keeping consoles under `dataDirectory`.
    package init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    /// Where volume journals are kept.
    var journalDirectory: URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("journals", isDirectory: true)
    }

    /// The budget in force: the one set, or half the host's memory.
    var effectiveBudgetMiB: Int {
        memoryBudgetMiB ?? Int(ProcessInfo.processInfo.physicalMemory / 1_048_576 / 2)
    }
}
