// `skiff-fuzz`: one binary for every fuzz target.
//
// Built with `-sanitize=fuzzer -D SKIFF_LIBFUZZER` (`make fuzz`), it is a libFuzzer binary that runs
// the target named by SKIFF_FUZZ_TARGET. Built normally, it replays saved inputs:
// `skiff-fuzz TARGET FILE|FOLDER...` prints how far each one got.
import Foundation
import SkiffFuzzTargets

#if SKIFF_LIBFUZZER
nonisolated(unsafe) private var target: FuzzTarget = .linkSession

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    let name = ProcessInfo.processInfo.environment["SKIFF_FUZZ_TARGET"] ?? ""
    guard let chosen = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("SKIFF_FUZZ_TARGET must be one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    target = chosen
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    target.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
@main
struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: skiff-fuzz \(names) FILE|FOLDER...\n".utf8))
            exit(2)
        }
        for path in arguments.dropFirst() {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("skiff-fuzz: cannot read \(file)\n".utf8))
                    exit(1)
                }
                let outcome = target.run(Array(data))
                print("\(file): \(outcome.accepted ? "accepted" : "refused"): \(outcome.detail)")
            }
        }
    }

    /// `path` itself, or the files in it when it is a folder (sorted, so runs repeat).
    static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
    }
}
#endif
