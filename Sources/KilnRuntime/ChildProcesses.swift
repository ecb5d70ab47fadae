import Foundation

/// Starts machines so that none outlives Kiln.
///
/// Each child runs under `setpriv --pdeathsig KILL`: the kernel kills it when the thread that
/// started it ends. That thread is this object's own and lives as long as Kiln, so a Kiln
/// killed with -9 takes its machines with it. (A thread of the concurrency pool would not
/// do: such threads come and go.)
final class ChildProcesses: Sendable {
    private typealias Job = @Sendable () -> Void
    private let jobs = Locked<[Job]>([])
    private let ready = DispatchSemaphore(value: 0)
    /// `setpriv`, when installed.
    let setpriv: String?

    init() {
        setpriv = ExecutableLookup.find("setpriv")
        let thread = Thread { [jobs, ready] in
            while true {
                ready.wait()
                let job = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                job?()
            }
        }
        thread.name = "kiln-machines"
        thread.start()
    }

    /// Starts `executable` with `arguments` from the long-lived thread; `onExit` hears its
    /// exit status and whether a signal ended it.
    func start(
        _ executable: String,
        _ arguments: [String],
        log: URL,
        onExit: @escaping @Sendable (Int32, Bool) -> Void
    ) throws -> Process {
        let process = Process()
        if let setpriv {
            process.executableURL = URL(fileURLWithPath: setpriv)
            process.arguments = ["--pdeathsig", "KILL", "--", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        process.terminationHandler = { ended in
            try? output.close()
            onExit(ended.terminationStatus, ended.terminationReason == .uncaughtSignal)
        }
        let done = DispatchSemaphore(value: 0)
        let failure = Locked<(any Error)?>(nil)
        jobs.withLock {
            $0.append {
                do { try process.run() } catch { failure.withLock { $0 = error } }
                done.signal()
            }
        }
        ready.signal()
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
        return process
    }
}
