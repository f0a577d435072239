import Foundation

/// Runs a program to completion and captures its output: the way tests drive `git`, `openssl`,
/// `python3` and the `skiff` binary itself.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

public enum Command {
    public struct Failed: Error, CustomStringConvertible {
        public var command: String
        public var result: CommandResult
        public var description: String { "\(command) exited \(result.status): \(result.stderr)\(result.stdout)" }

        public init(command: String, result: CommandResult) {
            self.command = command
            self.result = result
        }
    }

    /// Runs `executable` (a path, or a name looked up in PATH) with `arguments`.
    /// A run longer than `timeout` seconds is killed and reported as status -9.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                           environment: [String: String] = [:], input: String? = nil, timeout: Double = 120) throws -> CommandResult
    {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inPipe.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let outData = LockedData(), errData = LockedData()
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        let deadline = DispatchTime.now() + timeout
        if group.wait(timeout: deadline) == .timedOut {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
            _ = group.wait(timeout: .now() + 5)
        }
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             stdout: String(decoding: outData.get(), as: UTF8.self),
                             stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    /// Like `run`, but throws unless the program exits 0.
    @discardableResult
    public static func check(_ executable: String, _ arguments: [String], in directory: String? = nil,
                             environment: [String: String] = [:], input: String? = nil, timeout: Double = 120) throws -> CommandResult
    {
        let result = try run(executable, arguments, in: directory, environment: environment, input: input, timeout: timeout)
        guard result.status == 0 else {
            throw Failed(command: ([executable] + arguments).joined(separator: " "), result: result)
        }
        return result
    }
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
