import Foundation

/// What `kiln serve --runtime qemu` is told about the machines it may run.
public struct QEMUSettings: Sendable {
    /// Where consoles are kept: `DATA/consoles/i-….log`.
    public var dataDirectory: String
    /// The most memory one machine gets, in MiB, whatever its instance type.
    public var maxMemoryMiB = 1024
    /// The most virtual CPUs one machine gets.
    public var maxVCPUs = 2
    /// The memory all machines together may use, in MiB; a launch beyond it is refused with
    /// `InsufficientInstanceCapacity`. Half the host's memory unless set.
    public var memoryBudgetMiB: Int?
    /// How long StopInstances waits for a guest to power off after the ACPI power button.
    public var stopTimeout: Duration = .seconds(30)
    /// The emulator for x86_64 and i386 images.
    public var x86Emulator = "qemu-system-x86_64"
    /// The emulator for arm64 images.
    public var armEmulator = "qemu-system-aarch64"
    /// The UEFI firmware for `uefi` images, when installed.
    public var uefiFirmware = ["/usr/share/ovmf/OVMF.fd", "/usr/share/qemu/OVMF.fd"]

    /// Settings with the defaults, keeping consoles under `dataDirectory`.
    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    /// The budget in force: the one set, or half the host's memory.
    var effectiveBudgetMiB: Int {
        memoryBudgetMiB ?? Int(ProcessInfo.processInfo.physicalMemory / 1_048_576 / 2)
    }
}
