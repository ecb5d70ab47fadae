import Foundation
import KilnCore
import Testing

@testable import KilnTestSupport

/// One ClientToken mechanism for every call that takes one: a retry answers with what the
/// first call made, and concurrent calls with one token make one resource.
@Suite("Client tokens", .timeLimit(.minutes(2)))
struct ClientTokenTests {
    func launchRequest(_ cloud: Cloud, _ owner: Caller, token: String) async throws -> LaunchRequest {
        let (imageID, _) = try await InstanceTests().image(cloud, owner)
        var data = LaunchTemplateData()
        data.imageID = imageID
        data.instanceType = "t3.micro"
        return LaunchRequest(data: data, minCount: 2, maxCount: 2, clientToken: token)
    }

    @Test("Concurrent RunInstances with one ClientToken make one reservation")
    func concurrentRunInstances() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let request = try await launchRequest(cloud, owner, token: "one-token")
        let reservations = try await withThrowingTaskGroup(of: Reservation.self) { group in
            for _ in 0..<8 { group.addTask { try await cloud.instances.runInstances(owner, request) } }
            return try await group.reduce(into: [Reservation]()) { $0.append($1) }
        }
        #expect(reservations.count == 8)
        #expect(Set(reservations.map(\.id)).count == 1, "every call answers with the one reservation")
        #expect(Set(reservations.flatMap { $0.instances.map(\.id) }).count == 2)
        let described = try await cloud.instances.describeInstances(owner, ids: nil, filters: [], page: .all)
        #expect(described.reservations.flatMap(\.instances).count == 2, "two instances launched, not sixteen")
    }

    @Test("A ClientToken used again with another image is refused")
    func runInstancesMismatch() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        var request = try await launchRequest(cloud, owner, token: "reused")
        _ = try await cloud.instances.runInstances(owner, request)
        let (otherImage, _) = try await InstanceTests().image(cloud, owner, name: "other")
        request.data.imageID = otherImage
        await #expect(throws: CloudError.self) { _ = try await cloud.instances.runInstances(owner, request) }
    }

    @Test("CreateVolume and CreateLaunchTemplate answer a retry with the first call's resource")
    func createCalls() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let request = VolumeRequest(availabilityZone: "us-east-1a", size: 8, clientToken: "volume-token")
        let (first, _) = try await cloud.volumes.createVolume(owner, request)
        let (second, _) = try await cloud.volumes.createVolume(owner, request)
        #expect(first.id == second.id)
        let (other, _) = try await cloud.volumes.createVolume(testCaller(account: "222222222222"), request)
        #expect(other.id != first.id, "a token is the caller's own")
        var data = LaunchTemplateData()
        data.instanceType = "t3.micro"
        let template = try await cloud.launchTemplates.createLaunchTemplate(
            owner,
            name: "web",
            versionDescription: nil,
            data: data,
            tags: [],
            clientToken: "template-token"
        )
        let again = try await cloud.launchTemplates.createLaunchTemplate(
            owner,
            name: "web",
            versionDescription: nil,
            data: data,
            tags: [],
            clientToken: "template-token"
        )
        #expect(template.id == again.id, "a retry is not a duplicate name")
    }
}
