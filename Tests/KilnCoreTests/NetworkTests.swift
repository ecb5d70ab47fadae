import Foundation
import KilnCore
import Testing

@testable import KilnTestSupport

@Suite("Networks", .timeLimit(.minutes(2)))
struct NetworkTests {
    @Test("IPv4 CIDRs parse strictly and compare as ranges")
    func cidrs() throws {
        let vpc = try #require(IPv4CIDR("172.31.0.0/16"))
        #expect(vpc.size == 65_536 && vpc.isAligned && vpc.description == "172.31.0.0/16")
        let subnet = try #require(IPv4CIDR("172.31.16.0/20"))
        #expect(vpc.contains(subnet) && !subnet.contains(vpc) && vpc.overlaps(subnet) && subnet.overlaps(vpc))
        #expect(!subnet.overlaps(try #require(IPv4CIDR("172.31.32.0/20"))))
        #expect(subnet.address(at: 4) == "172.31.16.4" && subnet.offset(of: "172.31.31.255") == 4095 && subnet.offset(of: "172.31.32.0") == nil)
        let unaligned = try #require(IPv4CIDR("10.0.0.7/24"))
        #expect(!unaligned.isAligned && unaligned.normalized.description == "10.0.0.0/24")
        #expect(try #require(IPv4CIDR("0.0.0.0/0")).contains(try #require(IPv4CIDR("8.8.8.8/32"))))
        for bad in ["10.0.0.0", "10.0.0.0/33", "10.0.0/8", "10.0.0.256/8", "10.0.0.01/8", "a.b.c.d/8", "10.0.0.0/-1", "10.0.0.0/", " 10.0.0.0/8"] {
            #expect(IPv4CIDR(bad) == nil, "\(bad)")
        }
        #expect(IPv6CIDR.isValid("::/0") && IPv6CIDR.isValid("2001:db8::/32") && IPv6CIDR.isValid("2001:db8:0:0:0:0:0:1/128"))
        #expect(
            !IPv6CIDR.isValid("2001:db8:::/32") && !IPv6CIDR.isValid("2001:db8::/129") && !IPv6CIDR.isValid("10.0.0.0/8")
                && !IPv6CIDR.isValid("1:2:3:4:5:6:7/64")
        )
    }

    @Test("Every account and region gets AWS's default network, once, with the same ids")
    func defaultNetwork() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let page = PageRequest.everything()
        let vpcs = try await cloud.networks.describeVpcs(caller, ids: nil, filters: [], page: page).items
        #expect(vpcs.count == 1 && vpcs[0].0.isDefault && vpcs[0].0.cidr.description == "172.31.0.0/16")
        let subnets = try await cloud.networks.describeSubnets(caller, ids: nil, filters: [], page: page).items.map(\.0)
        #expect(subnets.map(\.cidr.description).sorted() == (0..<6).map { "172.31.\($0 * 16).0/20" }.sorted())
        #expect(subnets.allSatisfy { $0.defaultForZone && $0.mapPublicIpOnLaunch && $0.availableAddressCount == 4091 })
        let again = try await cloud.networks.describeVpcs(caller, ids: nil, filters: [], page: page).items
        #expect(again.map(\.0.id) == vpcs.map(\.0.id))
        let other = try await cloud.networks.describeVpcs(testCaller(account: "222222222222"), ids: nil, filters: [], page: page).items
        #expect(other.count == 1 && other[0].0.id != vpcs[0].0.id)
        // A deleted default VPC stays deleted.
        for subnet in subnets { try await cloud.networks.deleteSubnet(caller, id: subnet.id) }
        let gateways = try await cloud.networks.describeInternetGateways(caller, ids: nil, filters: [], page: page).items.map(\.0)
        try await cloud.networks.detachInternetGateway(caller, id: gateways[0].id, vpcID: vpcs[0].0.id)
        try await cloud.networks.deleteVpc(caller, id: vpcs[0].0.id)
        #expect(try await cloud.networks.describeVpcs(caller, ids: nil, filters: [], page: page).items.isEmpty)
        let attributes = try await cloud.networks.accountAttributes(caller, names: ["default-vpc"])
        #expect(attributes.first?.values == ["none"])
    }

    @Test("Rules: duplicates and malformed ranges change nothing; revoking in a VPC of one's own must match")
    func rules() async throws {
        let (cloud, _) = try makeTestCloud()
        let caller = testCaller()
        let vpc = try await cloud.networks.createVpc(caller, cidrBlock: "10.1.0.0/16", tenancy: nil, tags: [])
        let group = try await cloud.networks.createSecurityGroup(caller, name: "web", description: "web", vpcID: vpc.id, tags: [])
        let ssh = SecurityGroupPermission(ipProtocol: "6", fromPort: 22, toPort: 22, ipv4Ranges: [.init(value: "10.0.0.0/8", description: nil)])
        let (after, added) = try await cloud.networks.authorize(
            caller,
            direction: .ingress,
            groupID: group.id,
            groupName: nil,
            permissions: [ssh],
            tags: []
        )
        #expect(added.count == 1 && added[0].ipProtocol == "tcp" && after.ingress.count == 1)
        await #expect(throws: CloudError.self) {
            try await cloud.networks.authorize(caller, direction: .ingress, groupID: group.id, groupName: nil, permissions: [ssh], tags: [])
        }
        for bad in [
            SecurityGroupPermission(ipProtocol: "tcp", fromPort: 30, toPort: 20, ipv4Ranges: [.init(value: "1.0.0.0/8", description: nil)]),
            SecurityGroupPermission(ipProtocol: "tcp", fromPort: nil, toPort: nil, ipv4Ranges: [.init(value: "1.0.0.0/8", description: nil)]),
            SecurityGroupPermission(ipProtocol: "tcp", fromPort: 1, toPort: 2, ipv4Ranges: [.init(value: "1.2.3.4/8", description: nil)]),
            SecurityGroupPermission(ipProtocol: "icmp", fromPort: 300, toPort: 0, ipv4Ranges: [.init(value: "1.0.0.0/8", description: nil)]),
            SecurityGroupPermission(ipProtocol: "xyz", fromPort: 1, toPort: 2, ipv4Ranges: [.init(value: "1.0.0.0/8", description: nil)]),
            SecurityGroupPermission(ipProtocol: "tcp", fromPort: 1, toPort: 2),
        ] {
            do {
                _ = try await cloud.networks.authorize(caller, direction: .ingress, groupID: group.id, groupName: nil, permissions: [bad], tags: [])
                Issue.record("accepted \(bad)")
            } catch let error as CloudError {
                #expect(["InvalidParameterValue", "MissingParameter"].contains(error.code))
            }
        }
        let https = SecurityGroupPermission(ipProtocol: "tcp", fromPort: 443, toPort: 443, ipv4Ranges: [.init(value: "0.0.0.0/0", description: nil)])
        do {
            _ = try await cloud.networks.revoke(
                caller,
                direction: .ingress,
                groupID: group.id,
                groupName: nil,
                permissions: [ssh, https],
                ruleIDs: []
            )
            Issue.record("revoked a rule that is not there")
        } catch let error as CloudError {
            #expect(error.code == "InvalidPermission.NotFound")
        }
        let page = PageRequest.everything()
        let now = try await cloud.networks.describeSecurityGroups(caller, ids: [group.id], names: nil, filters: [], page: page).items[0].0
        #expect(now.ingress.count == 1, "a refused revoke revokes nothing")
    }

    @Test("Addresses come from the subnet, are unique while used and come back at termination")
    func addresses() async throws {
        let (cloud, clock) = try makeTestCloud()
        let caller = testCaller()
        let snapshot = try await completedSnapshot(cloud, caller)
        var registration = ImageRegistration(
            name: "net",
            rootDeviceName: "/dev/xvda",
            mappings: [.init(deviceName: "/dev/xvda", snapshotID: snapshot)]
        )
        registration.architecture = "x86_64"
        registration.virtualizationType = "hvm"
        let image = try await cloud.images.registerImage(caller, registration)
        let vpc = try await cloud.networks.createVpc(caller, cidrBlock: "10.2.0.0/16", tenancy: nil, tags: [])
        let subnet = try await cloud.networks.createSubnet(caller, vpcID: vpc.id, cidrBlock: "10.2.0.0/28", zone: nil, zoneID: nil, tags: [])
        var data = LaunchTemplateData()
        data.imageID = image
        data.instanceType = "t3.micro"
        data.subnetID = subnet.id
        let reservation = try await cloud.instances.runInstances(caller, LaunchRequest(data: data, minCount: 11, maxCount: 11))
        #expect(Set(reservation.instances.map(\.privateIPAddress)) == Set((4...14).map { "10.2.0.\($0)" }))
        #expect(reservation.instances.allSatisfy { $0.network?.publicIPAddress == nil && $0.network?.subnetID == subnet.id })
        await #expect(throws: CloudError.self) { try await cloud.instances.runInstances(caller, LaunchRequest(data: data, minCount: 1, maxCount: 1)) }
        _ = try await cloud.instances.terminateInstances(caller, ids: [reservation.instances[3].id])
        clock.advance(by: 60)
        try await cloud.applyDueTransitions()
        let again = try await cloud.instances.runInstances(caller, LaunchRequest(data: data, minCount: 1, maxCount: 1))
        #expect(again.instances[0].privateIPAddress == reservation.instances[3].privateIPAddress)
    }
}
