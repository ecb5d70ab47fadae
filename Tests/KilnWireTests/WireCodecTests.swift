import Foundation
import KilnWire
import Testing

@Suite("Wire codecs", .timeLimit(.minutes(2)))
struct WireCodecTests {
    @Test("EC2 form input nests dotted keys and numbers list entries from 1")
    func ec2FormInput() throws {
        let body =
            "Action=DescribeRegions&Version=2016-11-15&RegionName.2=eu-west-1&RegionName.1=us-east-1"
            + "&Filter.1.Name=region-name&Filter.1.Value.1=us-*&Filter.1.Value.2=a+b%2Fc&AllRegions=true&DryRun=false"
        guard case .object(let members) = FormInput(Array(body.utf8)).tree else {
            Issue.record("the form did not become an object")
            return
        }
        let request = try EC2.DescribeRegionsRequest(wire: WireReader(members: members))
        #expect(request.regionNames == ["us-east-1", "eu-west-1"], "entries are ordered by their number, not by arrival")
        #expect(request.allRegions == true)
        #expect(request.dryRun == false)
        #expect(request.filters == [EC2.Filter(name: "region-name", values: ["us-*", "a b/c"])], "+ is a space and %2F a slash")
    }

    @Test("A missing required member is MissingParameter with the wire name")
    func missingRequiredMember() throws {
        guard case .object(let members) = FormInput(Array("Action=CreateTags&ResourceId.1=vol-1".utf8)).tree else { return }
        #expect(throws: WireError(.missingParameter, parameter: "Tag", message: "The request must contain the parameter Tag")) {
            _ = try EC2.CreateTagsRequest(wire: WireReader(members: members))
        }
    }

    @Test("A value of the wrong type is InvalidParameterValue naming the parameter")
    func invalidValue() throws {
        guard case .object(let members) = FormInput(Array("Size=ten&AvailabilityZone=us-east-1a".utf8)).tree else { return }
        do {
            _ = try EC2.CreateVolumeRequest(wire: WireReader(members: members))
            Issue.record("a non-numeric size was accepted")
        } catch let error as WireError {
            #expect(error.kind == .invalidParameterValue)
            #expect(error.parameter == "Size")
        }
    }

    @Test("AWS query lists are wrapped in member entries")
    func awsQueryMemberLists() throws {
        let body = "AutoScalingGroupNames.member.1=web&AutoScalingGroupNames.member.2=db&MaxRecords=10"
        guard case .object(let members) = FormInput(Array(body.utf8)).tree else { return }
        let request = try AutoScaling.AutoScalingGroupNamesType(wire: WireReader(members: members))
        #expect(request.autoScalingGroupNames == ["web", "db"])
        #expect(request.maxRecords == 10)
    }

    @Test("EC2 XML output uses location names and item entries")
    func ec2XMLOutput() {
        let output = EC2.DescribeRegionsResult(regions: [
            EC2.Region(endpoint: "ec2.eu-west-1.amazonaws.com", optInStatus: "opt-in-not-required", regionName: "eu-west-1")
        ])
        let writer = XMLWriter()
        output.encode(to: writer)
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == "<regionInfo><item><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint>"
                + "<optInStatus>opt-in-not-required</optInStatus><regionName>eu-west-1</regionName></item></regionInfo>"
        )
    }

    @Test("XML text is escaped")
    func xmlEscaping() {
        let writer = XMLWriter()
        writer.element("key", "a<b & \"c\"")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "<key>a&lt;b &amp; &quot;c&quot;</key>")
    }

    @Test("JSON output nests structures and lists with commas in the right places")
    func jsonOutput() {
        let output = EBS.ListSnapshotBlocksResponse(
            blockSize: 524_288,
            blocks: [EBS.Block(blockIndex: 0, blockToken: "t0"), EBS.Block(blockIndex: 3, blockToken: "t\"3")],
            expiryTime: Date(timeIntervalSince1970: 1_767_225_600),
            volumeSize: 8
        )
        let writer = JSONWriter()
        output.encode(to: writer)
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(
            text
                == #"{"BlockSize":524288,"Blocks":[{"BlockIndex":0,"BlockToken":"t0"},{"BlockIndex":3,"BlockToken":"t\"3"}],"ExpiryTime":1767225600,"VolumeSize":8}"#
        )
        #expect((try? JSONSerialization.jsonObject(with: Data(writer.bytes))) != nil, "the output is valid JSON")
    }

    @Test("JSON input keeps booleans, numbers and strings apart")
    func jsonInput() throws {
        let node = try JSONInput.parse(Array(#"{"Name":"/aws/x","WithDecryption":true,"N":5,"L":[1,"a"]}"#.utf8))
        #expect(
            node
                == .object(["Name": .string("/aws/x"), "WithDecryption": .bool(true), "N": .number("5"), "L": .list([.number("1"), .string("a")])])
        )
        guard case .object(let members) = node else { return }
        let request = try SSM.GetParameterRequest(wire: WireReader(members: members))
        #expect(request.name == "/aws/x")
        #expect(request.withDecryption == true)
    }

    @Test("Malformed JSON is a malformed-input error, not a crash")
    func malformedJSON() {
        #expect(throws: WireError.self) { try JSONInput.parse(Array("{\"a\":".utf8)) }
    }

    @Test("REST members come from the URI, the headers and the raw payload")
    func restInput() throws {
        let block = [UInt8](repeating: 7, count: 16)
        let parts = RESTRequestParts(
            labels: ["snapshotId": "snap-0123456789abcdef0", "blockIndex": "3"],
            query: [:],
            headers: ["x-amz-data-length": "16", "x-amz-checksum": "abc=", "x-amz-checksum-algorithm": "SHA256", "x-amz-progress": "50"],
            payload: block
        )
        let request = try EBS.PutSnapshotBlockRequest(wire: WireReader(members: [:], rest: parts))
        #expect(request.snapshotId == "snap-0123456789abcdef0")
        #expect(request.blockIndex == 3)
        #expect(request.dataLength == 16)
        #expect(request.progress == 50)
        #expect(request.checksumAlgorithm == .sha256)
        #expect(request.blockData.bytes == block)
    }

    @Test("REST outputs put header members in headers and a blob payload in the body")
    func restOutput() {
        let output = EBS.GetSnapshotBlockResponse(blockData: Blob([1, 2, 3]), checksum: "c", checksumAlgorithm: .sha256, dataLength: 3)
        #expect(output.restHeaders.map { "\($0.0)=\($0.1)" } == ["x-amz-Checksum=c", "x-amz-Checksum-Algorithm=SHA256", "x-amz-Data-Length=3"])
        #expect(output.restPayload == [1, 2, 3])
        let writer = JSONWriter()
        output.encode(to: writer)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "{}", "header and payload members stay out of the JSON body")
    }

    @Test("Timestamps round-trip through ISO 8601", arguments: ["2026-01-01T00:00:00.000Z", "1999-12-31T23:59:59.123Z", "2030-06-15T12:30:45.000Z"])
    func timestamps(text: String) throws {
        let date = try #require(Timestamp.parseISO8601(text))
        #expect(Timestamp.iso8601(date) == text)
    }

    @Test("Timestamps with offsets and without fractions parse; nonsense does not")
    func timestampForms() {
        #expect(Timestamp.parseISO8601("2026-01-01T01:00:00+01:00") == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(Timestamp.parseISO8601("2026-01-01T00:00:00Z") == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(Timestamp.parseISO8601("2026-13-01T00:00:00Z") == nil)
        #expect(Timestamp.parseISO8601("yesterday") == nil)
    }
}
