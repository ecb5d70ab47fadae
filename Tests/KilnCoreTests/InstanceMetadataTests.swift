import Foundation
import KilnCore
import Testing

@testable import KilnTestSupport

@Suite("Instance metadata service", .timeLimit(.minutes(2)))
struct InstanceMetadataTests {
    /// A launched instance with a key pair, user data and a tag, and its cloud.
    func launched(options: InstanceMetadataOptionsChange? = nil) async throws -> (Cloud, ManualClock, Instance) {
        let (cloud, clock) = try makeTestCloud()
        let caller = testCaller()
        _ = try await cloud.keyPairs.createKeyPair(caller, name: "builder", type: "ed25519", tags: [])
        var data = LaunchTemplateData()
        data.imageID = try await registerTestImage(cloud, caller, name: "imds-image")
        data.instanceType = "t3.micro"
        data.keyName = "builder"
        data.userData = Data("#!/bin/sh\necho hello\n".utf8).base64EncodedString()
        data.tags = ["instance": [Tag(key: "Name", value: "web")]]
        data.metadataOptions = options
        let reservation = try await cloud.instances.runInstances(caller, LaunchRequest(data: data, minCount: 1, maxCount: 1))
        return (cloud, clock, reservation.instances[0])
    }

    func text(_ answer: MetadataAnswer) -> String? {
        guard case .value(let bytes, _) = answer else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("IMDSv1 reads meta-data, user data as given, and the identity document while tokens are optional")
    func readsWithoutToken() async throws {
        let (cloud, _, instance) = try await launched()
        let service = cloud.context.instanceMetadata
        let get = { (path: String) in await service.answer(MetadataQuery(method: .get, path: path), instanceID: instance.id) }
        #expect(text(await get("/latest/meta-data/instance-id")) == instance.id)
        #expect(text(await get("/latest/meta-data/ami-id")) == instance.imageID)
        #expect(text(await get("/latest/meta-data/placement/region")) == "us-east-1")
        #expect(text(await get("/latest/meta-data/public-keys/")) == "0=builder")
        #expect(text(await get("/latest/meta-data/public-keys/0/openssh-key"))?.hasPrefix("ssh-ed25519 ") == true)
        #expect(text(await get("/latest/user-data")) == "#!/bin/sh\necho hello\n")
        #expect(text(await get("/2021-03-23/meta-data/local-ipv4")) == instance.privateIPAddress)
        let listing = try #require(text(await get("/latest/meta-data/")))
        #expect(listing.split(separator: "\n").contains("placement/") && listing.split(separator: "\n").contains("instance-id"))
        let mac = try #require(instance.network?.macAddress)
        #expect(text(await get("/latest/meta-data/network/interfaces/macs/\(mac)/subnet-id")) == instance.network?.subnetID)
        let document = try #require(text(await get("/latest/dynamic/instance-identity/document")))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
        #expect(json["instanceId"] as? String == instance.id && json["accountId"] as? String == "111111111111")
        #expect(await get("/latest/meta-data/tags/instance/Name") == .notFound, "tags are off by default")
        #expect(await get("/latest/meta-data/no-such-thing") == .notFound)
        #expect(await get("/1999-01-01/meta-data/instance-id") == .notFound)
    }

    @Test("IMDSv2: a token from PUT works until its TTL passes; a bad TTL is 400; required tokens make a bare GET 401")
    func sessionTokens() async throws {
        let (cloud, clock, instance) = try await launched(
            options: InstanceMetadataOptionsChange(httpTokens: "required", instanceMetadataTags: "enabled")
        )
        let service = cloud.context.instanceMetadata
        let path = "/latest/meta-data/instance-id"
        #expect(await service.answer(MetadataQuery(method: .get, path: path), instanceID: instance.id) == .unauthorized)
        for ttl in [nil, "0", "21601", "ten"] {
            let answer = await service.answer(MetadataQuery(method: .put, path: "/latest/api/token", tokenTTL: ttl), instanceID: instance.id)
            #expect(answer == .badRequest, "TTL \(ttl ?? "missing")")
        }
        let forwarded = MetadataQuery(method: .put, path: "/latest/api/token", tokenTTL: "60", forwarded: true)
        #expect(await service.answer(forwarded, instanceID: instance.id) == .forbidden)
        guard
            case .token(let token, let ttl) = await service.answer(
                MetadataQuery(method: .put, path: "/latest/api/token", tokenTTL: "60"),
                instanceID: instance.id
            )
        else {
            Issue.record("no token")
            return
        }
        #expect(ttl == 60)
        #expect(text(await service.answer(MetadataQuery(method: .get, path: path, token: token), instanceID: instance.id)) == instance.id)
        #expect(
            text(
                await service.answer(MetadataQuery(method: .get, path: "/latest/meta-data/tags/instance/Name", token: token), instanceID: instance.id)
            ) == "web"
        )
        var data = LaunchTemplateData()
        data.imageID = instance.imageID
        data.instanceType = "t3.micro"
        let other = try await cloud.instances.runInstances(testCaller(), LaunchRequest(data: data, minCount: 1, maxCount: 1)).instances[0]
        #expect(
            await service.answer(MetadataQuery(method: .get, path: path, token: token), instanceID: other.id) == .unauthorized,
            "another instance's token"
        )
        clock.advance(by: 61)
        #expect(await service.answer(MetadataQuery(method: .get, path: path, token: token), instanceID: instance.id) == .unauthorized)
    }

    @Test("ModifyInstanceMetadataOptions applies at once: a disabled endpoint answers 403; bad values are refused")
    func modifyOptions() async throws {
        let (cloud, _, instance) = try await launched()
        let caller = testCaller()
        let options = try await cloud.instances.modifyInstanceMetadataOptions(caller, id: instance.id, change: .init(httpEndpoint: "disabled"))
        #expect(options.httpEndpoint == "disabled" && options.httpTokens == "optional")
        let query = MetadataQuery(method: .get, path: "/latest/meta-data/instance-id")
        #expect(await cloud.context.instanceMetadata.answer(query, instanceID: instance.id) == .forbidden)
        await #expect(throws: CloudError.self) {
            _ = try await cloud.instances.modifyInstanceMetadataOptions(caller, id: instance.id, change: .init(httpPutResponseHopLimit: 65))
        }
        await #expect(throws: CloudError.self) {
            _ = try await cloud.instances.modifyInstanceMetadataOptions(caller, id: instance.id, change: .init(httpTokens: "sometimes"))
        }
        await #expect(throws: CloudError.self) {
            _ = try await cloud.instances.modifyInstanceMetadataOptions(testCaller(account: "222222222222"), id: instance.id, change: .init())
        }
    }

    @Test("A security group rule from a range holding the host opens its TCP ports; wide rules open only well-known ones")
    func openPorts() async throws {
        let (cloud, _, instance) = try await launched()
        let orders = try await cloud.instances.machineOrders()
        let network = try #require(orders.first { $0.instance.id == instance.id }?.network)
        #expect(network.privateAddress == instance.privateIPAddress && network.router.hasSuffix(".1"))
        #expect(network.openPorts.isEmpty, "the default group opens nothing to the host")

        let groupID = try #require(instance.network?.groups.first?.id)
        /// Authorizes one ingress rule on the instance's group; the ports its machine opens now.
        func opened(after proto: String, _ from: Int?, _ to: Int?, range: String? = nil, peerGroup: String? = nil) async throws -> [Int] {
            let permission = SecurityGroupPermission(
                ipProtocol: proto,
                fromPort: from,
                toPort: to,
                ipv4Ranges: range.map { [.init(value: $0, description: nil)] } ?? [],
                groups: peerGroup.map { [.init(groupID: $0, groupName: nil, userID: nil, description: nil)] } ?? []
            )
            _ = try await cloud.networks.authorize(
                testCaller(),
                direction: .ingress,
                groupID: groupID,
                groupName: nil,
                permissions: [permission],
                tags: []
            )
            return try await cloud.instances.machineOrders().first { $0.instance.id == instance.id }?.network?.openPorts ?? [-1]
        }
        #expect(try await opened(after: "tcp", 22, 22, range: "10.0.0.0/8").isEmpty, "a range without 127.0.0.1 opens nothing")
        #expect(try await opened(after: "udp", 53, 53, range: "0.0.0.0/0").isEmpty, "only TCP is forwarded")
        #expect(try await opened(after: "tcp", 443, 443, peerGroup: groupID).isEmpty, "a group peer does not hold the host")
        #expect(try await opened(after: "tcp", 22, 22, range: "0.0.0.0/0") == [22])
        #expect(try await opened(after: "tcp", 8000, 8003, range: "127.0.0.0/8") == [22, 8000, 8001, 8002, 8003])
        #expect(
            try await opened(after: "tcp", 1, 1024, range: "127.0.0.1/32") == [22, 80, 443, 8000, 8001, 8002, 8003],
            "a wide range opens well-known ports"
        )
    }
}
