import Foundation
import KilnFuzz
import Testing

/// Replays `Fuzz/Corpus/<target>/`: the seeds and every input that once crashed or hung a
/// target. A regression ends this test process, as it would end the server.
@Suite("Fuzz corpus replay", .timeLimit(.minutes(2)))
struct CorpusReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/Corpus").standardized

    static func inputs(_ target: String) throws -> [URL] {
        let folder = corpus.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).filter { !$0.hasDirectoryPath }
            .sorted { $0.path < $1.path }
    }

    @Test("Every target has a corpus of its own", arguments: FuzzTarget.all.keys.sorted())
    func everyTargetHasACorpus(_ target: String) throws {
        #expect(try !Self.inputs(target).isEmpty, "Fuzz/Corpus/\(target) holds no input")
    }

    @Test("Every kept input runs through its target", arguments: FuzzTarget.all.keys.sorted())
    func replay(_ name: String) throws {
        let target = try #require(FuzzTarget.all[name])
        for input in try Self.inputs(name) {
            let bytes = try [UInt8](Data(contentsOf: input))
            let started = ContinuousClock.now
            target.run(bytes)
            #expect(ContinuousClock.now - started < .seconds(2), "\(input.lastPathComponent) took too long: a hang came back")
        }
    }

    @Test("Every corpus folder names a target")
    func noStrayFolders() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)
        #expect(Set(folders).subtracting(FuzzTarget.all.keys).isEmpty, "corpus folders without a target: \(folders)")
    }
}
