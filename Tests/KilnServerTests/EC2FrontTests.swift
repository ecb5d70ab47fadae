import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KilnCore
import KilnServer
import KilnStore
import Logging
import NIOCore
import Testing

@testable import KilnTestSupport

@Suite("EC2 and STS over HTTP", .timeLimit(.minutes(2)))
struct EC2FrontTests {
    @Test("DescribeRegions answers in the 2016-11-15 namespace with a request id")
    func describeRegions() async throws {
        let (cloud, _) = try makeTestCloud()
        try await withKiln(cloud: cloud) { client in
            let (status, body) = try await client.post("Action=DescribeRegions&Version=2016-11-15&RegionName.1=eu-west-1")
            #expect(status == 200)
            #expect(body.contains(#"<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">"#))
            #expect(body.contains("<requestId>request-"))
            #expect(body.contains("<regionName>eu-west-1</regionName>"))
            #expect(!body.contains("us-east-1"), "only the region asked for is listed")
        }
    }

    @Test("The region comes from the credential scope; a region not enabled is AuthFailure")
    func regionFromScope() async throws {
        let (cloud, _) = try makeTestCloud()
        try await withKiln(cloud: cloud) { client in
            let zones = try await client.post("Action=DescribeAvailabilityZones&Version=2016-11-15", headers: queryHeaders(region: "eu-west-1"))
            #expect(zones.status == 200)
            #expect(zones.body.contains("<zoneName>eu-west-1a</zoneName>"))
            #expect(zones.body.contains("<zoneId>euw1-az1</zoneId>"))
            let refused = try await client.post("Action=DescribeAvailabilityZones&Version=2016-11-15", headers: queryHeaders(region: "af-south-1"))
            #expect(refused.status == 401)
            #expect(refused.body.contains("<Code>AuthFailure</Code>"))
        }
    }

    @Test("Unknown actions, missing parameters and bad filters get AWS's codes, never a 500")
    func errors() async throws {
        let (cloud, _) = try makeTestCloud()
        try await withKiln(cloud: cloud) { client in
            let unknown = try await client.post("Action=DescribeNothing&Version=2016-11-15")
            #expect(unknown.status == 400)
            #expect(unknown.body.contains("<Code>InvalidAction</Code>"))
            #expect(unknown.body.contains("<RequestID>"), "EC2 errors carry RequestID with a capital D")
            let missing = try await client.post("Action=CreateTags&Version=2016-11-15&ResourceId.1=vol-00000000000000001")
            #expect(missing.status == 400)
            #expect(missing.body.contains("<Code>MissingParameter</Code>"))
            let badFilter = try await client.post("Action=DescribeRegions&Version=2016-11-15&Filter.1.Name=colour&Filter.1.Value.1=x")
            #expect(badFilter.body.contains("<Code>InvalidParameterValue</Code>"))
            let badNumber = try await client.post("Action=CreateVolume&Version=2016-11-15&AvailabilityZone=us-east-1a&Size=big")
            #expect(badNumber.status == 400)
            #expect(badNumber.body.contains("<Code>InvalidParameterValue</Code>"))
            let noAction = try await client.post("Version=2016-11-15")
            #expect(noAction.status == 400)
        }
    }

    @Test("DryRun checks everything, changes nothing, and answers 412")
    func dryRun() async throws {
        let (cloud, _) = try makeTestCloud()
        try await withKiln(cloud: cloud) { client in
            let dry = try await client.post("Action=CreateVolume&Version=2016-11-15&AvailabilityZone=us-east-1a&Size=8&DryRun=true")
            #expect(dry.status == 412)
            #expect(dry.body.contains("<Code>DryRunOperation</Code>"))
            let invalid = try await client.post("Action=CreateVolume&Version=2016-11-15&AvailabilityZone=us-east-1z&Size=8&DryRun=true")
            #expect(invalid.status == 400, "a dry run of an invalid request reports the problem, not success")
            let listed = try await client.post("Action=DescribeVolumes&Version=2016-11-15")
            #expect(!listed.body.contains("vol-"), "the dry run left no volume behind")
        }
    }

    @Test("Volumes are created, tagged, listed by tag and deleted")
    func volumesAndTags() async throws {
        let (cloud, _) = try makeTestCloud()
        try await withKiln(cloud: cloud) { client in
            let created = try await client.post(
                "Action=CreateVolume&Version=2016-11-15&AvailabilityZone=us-east-1b&Size=20&VolumeType=gp3"
                    + "&TagSpecification.1.ResourceType=volume&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=data"
            )
            #expect(created.status == 200)
            #expect(created.body.contains("<status>creating</status>"), "CreateVolume answers with the first state")
            #expect(created.body.contains("<iops>3000</iops>"))
            let id = "vol-00000000000000002"  // the first id went to the request
            #expect(created.body.contains("<volumeId>\(id)</volumeId>"))
            let tagged = try await client.post("Action=CreateTags&Version=2016-11-15&ResourceId.1=\(id)&Tag.1.Key=env&Tag.1.Value=prod")
            #expect(tagged.body.contains("<return>true</return>"))
            let described = try await client.post("Action=DescribeVolumes&Version=2016-11-15&Filter.1.Name=tag:env&Filter.1.Value.1=pr*")
            #expect(described.body.contains("<status>available</status>"), "instant latency: available by the next request")
            #expect(described.body.contains("<key>Name</key><value>data</value>"))
            let tags = try await client.post("Action=DescribeTags&Version=2016-11-15&Filter.1.Name=key&Filter.1.Value.1=env")
            #expect(tags.body.contains("<resourceType>volume</resourceType>"))
            #expect(!tags.body.contains("<key>Name</key>"))
            let otherAccount = try await client.post("Action=DescribeVolumes&Version=2016-11-15", headers: queryHeaders(accessKey: "222222222222"))
            #expect(!otherAccount.body.contains(id), "another account does not see the volume")
            let deleted = try await client.post("Action=DeleteVolume&Version=2016-11-15&VolumeId=\(id)")
            #expect(deleted.status == 200)
            let gone = try await client.post("Action=DescribeVolumes&Version=2016-11-15&VolumeId.1=\(id)")
            #expect(gone.body.contains("<Code>InvalidVolume.NotFound</Code>"))
        }
    }

    @Test("GetCallerIdentity names the account of the access key, in the AWS query envelope")
    func callerIdentity() async throws {
        let (cloud, _) = try makeTestCloud()
        try await withKiln(cloud: cloud) { client in
            let (status, body) = try await client.post(
                "Action=GetCallerIdentity&Version=2011-06-15",
                headers: queryHeaders(service: "sts", accessKey: "123456789012")
            )
            #expect(status == 200)
            #expect(body.contains("<GetCallerIdentityResult><Account>123456789012</Account>"))
            #expect(body.contains("<Arn>arn:aws:iam::123456789012:root</Arn>"))
            #expect(body.contains("<ResponseMetadata><RequestId>"))
            let other = try await client.post(
                "Action=GetCallerIdentity&Version=2011-06-15",
                headers: queryHeaders(service: "sts", accessKey: "AKIAEXAMPLE")
            )
            #expect(other.body.contains("<Account>000000000000</Account>"), "other keys act as the default account")
        }
    }

    @Test("The moto reset endpoint empties every account and region, and takes only POST")
    func reset() async throws {
        let (cloud, _) = try makeTestCloud()
        try await withKiln(cloud: cloud, enableTestReset: true) { client in
            _ = try await client.post("Action=CreateVolume&Version=2016-11-15&AvailabilityZone=us-east-1a&Size=8")
            try await client.execute(uri: "/moto-api/reset", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/moto-api/reset", method: .post) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status": "ok"}"#)
            }
            let listed = try await client.post("Action=DescribeVolumes&Version=2016-11-15")
            #expect(!listed.body.contains("vol-"))
        }
    }

    @Test("Request bodies: a 512 KiB volume write arrives whole, and a body over the limit is refused with 413")
    func requestBodies() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let (volume, _) = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 1))
        let block = randomBlock()
        try await withKiln(cloud: cloud) { client in
            var headers = queryHeaders()
            headers[.contentType] = "application/octet-stream"
            try await client.execute(
                uri: "/kiln/volumes/\(volume.id)/data?offset=\(Block.size)",
                method: .put,
                headers: headers,
                body: ByteBuffer(bytes: block)
            ) {
                #expect($0.status == .ok)
            }
            let tooLarge = [UInt8](repeating: 7, count: KilnApplication.maximumBodySize + 1)
            try await client.execute(
                uri: "/kiln/volumes/\(volume.id)/data?offset=0",
                method: .put,
                headers: headers,
                body: ByteBuffer(bytes: tooLarge)
            ) {
                #expect($0.status == .contentTooLarge)
            }
        }
        #expect(try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: Block.size, length: Block.size) == block)
        #expect(
            try await cloud.volumes.readVolume(caller, volumeID: volume.id, offset: 0, length: 16) == [UInt8](repeating: 0, count: 16),
            "the refused write changed nothing"
        )
    }

    @Test("An unexpected failure answers 500 and is logged with the request id and the underlying error")
    func unexpectedErrorsAreLogged() async throws {
        let clock = ManualClock()
        let store = try SQLiteMetadataStore.inMemory()
        let blobs = ScriptedBlobStore()
        let cloud = Cloud(
            identity: IdentityDirectory(),
            regions: RegionCatalog(),
            store: store,
            clock: clock,
            ids: SequentialIDGenerator(),
            blocks: makeBlockStore(metadata: store, clock: clock, blobs: blobs),
            objects: MemoryBlobStore()
        )
        let caller = testCaller()
        let (volume, _) = try await cloud.volumes.createVolume(caller, VolumeRequest(availabilityZone: "us-east-1a", size: 1))
        await blobs.failNext(10)
        let log = CapturedLog()
        try await withKiln(cloud: cloud, logger: log.logger) { client in
            var headers = queryHeaders()
            headers[.contentType] = "application/octet-stream"
            try await client.execute(
                uri: "/kiln/volumes/\(volume.id)/data?offset=0",
                method: .put,
                headers: headers,
                body: ByteBuffer(bytes: randomBlock())
            ) {
                #expect($0.status == .internalServerError)
                #expect(String(buffer: $0.body).contains("InternalError"))
            }
        }
        let logged = try #require(log.entries.first { $0.message == "unexpected error" })
        #expect(logged.level == .error)
        #expect(logged.metadata["request_id"]?.isEmpty == false)
        #expect(logged.metadata["error"]?.contains("ScriptedFailure") == true, "the underlying error: \(logged.metadata)")
    }

    @Test("/metrics counts requests by service, operation and status; made-up names count as unknown")
    func metrics() async throws {
        let (cloud, _) = try makeTestCloud()
        try await withKiln(cloud: cloud) { client in
            _ = try await client.post("Action=DescribeRegions&Version=2016-11-15")
            _ = try await client.post("Action=DescribeRegions&Version=2016-11-15")
            _ = try await client.post("Action=MadeUpAction1&Version=2016-11-15")
            _ = try await client.post("Action=MadeUpAction2&Version=2016-11-15")
            _ = try await client.post("Action=DescribeRegions", headers: queryHeaders(service: "madeupservice"))
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"kiln_requests_total{service="ec2",operation="DescribeRegions",status="200"} 2"#))
                #expect(text.contains(#"kiln_requests_total{service="ec2",operation="unknown",status="400"} 2"#))
                #expect(!text.contains("MadeUp"))
                #expect(!text.contains("madeupservice"))
            }
        }
    }
}
