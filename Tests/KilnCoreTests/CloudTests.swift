import Foundation
import KilnCore
import KilnStore
import Testing

@testable import KilnTestSupport

@Suite("Domain", .timeLimit(.minutes(2)))
struct CloudTests {
    @Test("Realistic latency: a volume stays creating until its time comes, then the scheduler makes it available")
    func scheduledTransition() async throws {
        let (cloud, clock) = try makeTestCloud(latency: .realistic)
        let caller = testCaller()
        let (volume, _) = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 8))
        #expect(try await cloud.applyDueTransitions() == 0)
        #expect(try await cloud.volumes.describeVolumes(caller, ids: [volume.id], filters: [], page: .all).volumes.first?.0.state == .creating)
        clock.advance(by: 5)
        #expect(try await cloud.applyDueTransitions() == 1)
        #expect(try await cloud.volumes.describeVolumes(caller, ids: [volume.id], filters: [], page: .all).volumes.first?.0.state == .available)
        #expect(try await cloud.nextTransitionDue() == nil)
    }

    @Test("Transitions are stored, so a new process over the same database carries them out")
    func transitionsSurviveRestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = ManualClock()
        func open() throws -> Cloud {
            let store = try SQLiteMetadataStore(path: path)
            return Cloud(
                identity: .init(),
                regions: .init(),
                store: store,
                clock: clock,
                latency: .realistic,
                blocks: makeBlockStore(metadata: store, clock: clock),
                objects: MemoryBlobStore()
            )
        }
        let caller = testCaller()
        let (volume, _) = try await open().volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 8))
        clock.advance(by: 60)
        let reopened = try open()
        #expect(try await reopened.applyDueTransitions() == 1)
        #expect(try await reopened.volumes.describeVolumes(caller, ids: [volume.id], filters: [], page: .all).volumes.first?.0.state == .available)
    }

    @Test("Volume rules: size per type, IOPS per GiB, gp2's earned IOPS")
    func volumeRules() throws {
        #expect(try VolumeType.gp2.resolvePerformance(size: 100, iops: nil, throughput: nil).iops == 300)
        #expect(try VolumeType.gp2.resolvePerformance(size: 1, iops: nil, throughput: nil).iops == 100)
        #expect(try VolumeType.gp3.resolvePerformance(size: 1, iops: nil, throughput: nil) == (3000, 125))
        #expect(throws: CloudError.self) { try VolumeType.io1.resolvePerformance(size: 10, iops: 1000, throughput: nil) }
        #expect(throws: CloudError.self) { try VolumeType.st1.resolvePerformance(size: 100, iops: nil, throughput: nil) }
        #expect(throws: CloudError.missingParameter("iops")) { try VolumeType.io2.resolvePerformance(size: 100, iops: nil, throughput: nil) }
        #expect(throws: CloudError.self) { try VolumeType.gp3.resolvePerformance(size: 100, iops: 3000, throughput: 1000) }
    }

    @Test("Tags: at most 50 per resource, aws: keys reserved, delete by key or by key and value")
    func tagRules() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let (volume, _) = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 8))
        let fifty = (1...50).map { Tag(key: "k\($0)", value: "v") }
        try await cloud.tags.createTags(caller, resourceIDs: [volume.id], tags: fifty)
        await #expect(throws: CloudError.self) {
            try await cloud.tags.createTags(caller, resourceIDs: [volume.id], tags: [Tag(key: "one-more", value: "")])
        }
        await #expect(throws: CloudError.self) {
            try await cloud.tags.createTags(caller, resourceIDs: [volume.id], tags: [Tag(key: "aws:owner", value: "")])
        }
        try await cloud.tags.deleteTags(caller, resourceIDs: [volume.id], tags: [(key: "k1", value: "other"), (key: "k2", value: nil)])
        let keys = try await cloud.tags.describeTags(caller, filters: [Filter(name: "key", values: ["k1", "k2"])], page: .all).tags.map(\.tag.key)
        #expect(keys == ["k1"], "k1 stays because its value did not match; k2 goes whatever its value")
        await #expect(throws: CloudError("InvalidVolume.NotFound", "The volume 'vol-00000000000000099' does not exist.")) {
            try await cloud.tags.createTags(caller, resourceIDs: ["vol-00000000000000099"], tags: [Tag(key: "a", value: "b")])
        }
    }

    @Test(
        "Wildcards: * and ? match, \\* is literal",
        arguments: [
            ("ubuntu-*", "ubuntu-22.04", true), ("ubuntu-?", "ubuntu-22", false), ("*-2?", "al2023-23", true),
            ("a\\*", "a*", true), ("a\\*", "ab", false), ("*", "", true), ("exact", "exact", true), ("exact", "exactly", false),
        ]
    )
    func wildcards(pattern: String, text: String, expected: Bool) {
        #expect(Wildcard.matches(pattern: pattern, text) == expected)
    }

    @Test("Pages: MaxResults below the minimum is refused, above the maximum is a full page, tokens continue")
    func pages() throws {
        let (cloud, _) = try makeTestCloud()
        let scope = cloud.context.pageScope("DescribeThings", caller: testCaller(), parameters: ["filters"])
        #expect(throws: CloudError.self) { try PageRequest(maxResults: 4, nextToken: nil, allowed: 5...500, scope: scope) }
        let first = try PageRequest(maxResults: 5, nextToken: nil, allowed: 5...500, scope: scope).page(of: Array(1...12))
        #expect(first.items == [1, 2, 3, 4, 5])
        let second = try PageRequest(maxResults: 1000, nextToken: first.nextToken, allowed: 5...10, scope: scope).page(of: Array(1...12))
        #expect(second.items == [6, 7, 8, 9, 10, 11, 12])
        #expect(second.nextToken == nil)
        #expect(throws: CloudError.self) { try PageRequest(maxResults: nil, nextToken: "garbage", allowed: 5...10, scope: scope).page(of: [1]) }
    }

    @Test("Page tokens are bound to the call, the caller and the filters, and refuse any change to their bytes")
    func pageTokensAreBound() throws {
        let (cloud, _) = try makeTestCloud()
        func scope(_ operation: String = "DescribeVolumes", caller: Caller = testCaller(), filters: String = "a") -> PageScope {
            cloud.context.pageScope(operation, caller: caller, parameters: [filters])
        }
        let token = try #require(try PageRequest(maxResults: 5, nextToken: nil, allowed: 5...500, scope: scope()).page(of: Array(1...12)).nextToken)
        func refused(_ token: String, _ scope: PageScope) -> Bool {
            (try? PageRequest(maxResults: 5, nextToken: token, allowed: 5...500, scope: scope).page(of: Array(1...12))) == nil
        }
        #expect(!refused(token, scope()), "the same call continues")
        #expect(refused(token, scope("DescribeSnapshots")), "another call")
        #expect(refused(token, scope(caller: testCaller(account: "222222222222"))), "another account")
        #expect(refused(token, scope(caller: testCaller(region: "eu-west-1"))), "another region")
        #expect(refused(token, scope(filters: "b")), "other filters")
        var bytes = Array(token.utf8)
        bytes[0] = bytes[0] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(refused(String(decoding: bytes, as: UTF8.self), scope()), "a changed byte")
        let keyset = try PageRequest(maxResults: 5, nextToken: nil, allowed: 5...500, scope: scope())
        let next = keyset.token(after: "vol-0000000000000005")
        let resumed = try PageRequest(maxResults: 5, nextToken: next, allowed: 5...500, scope: scope())
        #expect(try resumed.startAfter() == "vol-0000000000000005")
        #expect(throws: CloudError.self, "an offset token is no keyset token") {
            try PageRequest(maxResults: 5, nextToken: token, allowed: 5...500, scope: scope()).startAfter()
        }
    }

    @Test("Access keys: 12 digits are that account, declared keys their account, others the default")
    func accessKeys() {
        let directory = IdentityDirectory(
            defaultAccount: AccountID("999999999999") ?? .defaultAccount,
            accounts: [.init(id: AccountID("111111111111") ?? .defaultAccount, accessKeys: [.init(accessKeyId: "AKIADEV", secretAccessKey: "s")])]
        )
        #expect(directory.account(forAccessKey: "123456789012").rawValue == "123456789012")
        #expect(directory.account(forAccessKey: "AKIADEV").rawValue == "111111111111")
        #expect(directory.account(forAccessKey: "test").rawValue == "999999999999")
        #expect(String(describing: IdentityDirectory.AccessKey(accessKeyId: "AKIADEV", secretAccessKey: "s3cr3t")).contains("s3cr3t") == false)
    }
}

@Suite("Resource names", .timeLimit(.minutes(2)))
struct ARNTests {
    @Test("ARNs are built from ids and read back")
    func arns() throws {
        let volume = try #require(ARN.ec2("vol-0123456789abcdef0", region: "eu-west-1", account: AccountID("111111111111")!))
        #expect(volume.description == "arn:aws:ec2:eu-west-1:111111111111:volume/vol-0123456789abcdef0")
        let image = try #require(ARN.ec2("ami-0123456789abcdef0", region: "us-east-1", account: AccountID("111111111111")!))
        #expect(image.description == "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0", "image ARNs carry no account")
        #expect(ARN("arn:aws:kms:us-east-1:111111111111:key/abc")?.resource == "key/abc")
        #expect(ARN("arn:aws:iam::111111111111:root")?.region == "")
        #expect(ARN("not-an-arn") == nil)
        #expect(ARN.ec2("bogus", region: "us-east-1", account: .defaultAccount) == nil)
    }
}
