import Foundation
import KilnCore
import Testing

@testable import KilnTestSupport

@Suite("Auto Scaling", .timeLimit(.minutes(2)))
struct AutoScalingTests {
    /// A launch template of `caller`'s for an image of one block; returns the template id and image id.
    func template(_ cloud: Cloud, _ caller: Caller, name: String) async throws -> (template: String, image: String) {
        let snapshot = try await completedSnapshot(cloud, caller)
        var registration = ImageRegistration(
            name: "image-\(name)",
            rootDeviceName: "/dev/xvda",
            mappings: [.init(deviceName: "/dev/xvda", snapshotID: snapshot)]
        )
        registration.architecture = "x86_64"
        let image = try await cloud.images.registerImage(caller, registration)
        var data = LaunchTemplateData()
        data.imageID = image
        data.instanceType = "t3.micro"
        let template = try await cloud.launchTemplates.createLaunchTemplate(caller, name: name, versionDescription: nil, data: data, tags: [])
        return (template.id, image)
    }

    func settings(template: String, desired: Int, zones: [String] = ["us-east-1a", "us-east-1b", "us-east-1c"]) -> AutoScalingGroupSettings {
        var settings = AutoScalingGroupSettings()
        settings.source = .template(.init(id: template, name: nil, version: "$Latest"))
        settings.minSize = 0
        settings.maxSize = 10
        settings.desiredCapacity = desired
        settings.availabilityZones = zones
        return settings
    }

    func group(_ cloud: Cloud, _ caller: Caller, _ name: String) async throws -> AutoScalingGroup {
        try #require(try await cloud.autoScaling.describeAutoScalingGroups(caller, names: [name], filters: []).first)
    }

    @Test("A group launches its capacity across its zones and replaces an instance terminated outside it")
    func keepsCapacity() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let (templateID, _) = try await template(cloud, owner, name: "web")
        try await cloud.autoScaling.createAutoScalingGroup(owner, name: "web", settings: settings(template: templateID, desired: 3))
        var members = try await group(cloud, owner, "web").members
        #expect(members.count == 3 && Set(members.map(\.availabilityZone)).count == 3)
        _ = try await cloud.instances.terminateInstances(owner, ids: [members[0].instanceID])
        try await cloud.autoScaling.reconcileAutoScalingGroups()
        let lost = members[0].instanceID
        members = try await group(cloud, owner, "web").members
        #expect(members.count == 3 && !members.contains { $0.instanceID == lost })
        #expect(Set(members.map(\.availabilityZone)).count == 3, "the replacement goes to the zone that lost one")
        let activities = try await group(cloud, owner, "web").activities
        #expect(activities.filter { $0.description.hasPrefix("Launching") }.count == 4)
        #expect(activities.contains { $0.cause.contains("terminated or stopped") })
    }

    @Test("A launch the image refuses is a failed activity, retried only after a delay")
    func failedLaunches() async throws {
        let (cloud, clock) = try makeTestCloud()
        let owner = testCaller()
        let (templateID, image) = try await template(cloud, owner, name: "web")
        try await cloud.autoScaling.createAutoScalingGroup(owner, name: "web", settings: settings(template: templateID, desired: 0))
        try await cloud.images.setImageDisabled(owner, imageID: image, disabled: true)
        try await cloud.autoScaling.setDesiredCapacity(owner, name: "web", capacity: 1)
        var current = try await group(cloud, owner, "web")
        #expect(current.members.isEmpty && current.activities.first?.statusCode == .failed)
        #expect(current.activities.first?.statusMessage?.contains(image) == true)
        try await cloud.images.setImageDisabled(owner, imageID: image, disabled: false)
        try await cloud.autoScaling.reconcileAutoScalingGroups()
        #expect(try await group(cloud, owner, "web").members.isEmpty, "no retry before the delay")
        clock.advance(by: 11)
        try await cloud.autoScaling.reconcileAutoScalingGroups()
        current = try await group(cloud, owner, "web")
        #expect(current.members.count == 1 && current.activities.first?.statusCode == .successful)
    }

    @Test("An instance refresh replaces every instance with one of the new version, a batch per pass")
    func refresh() async throws {
        let (cloud, _) = try makeTestCloud()
        let owner = testCaller()
        let (templateID, _) = try await template(cloud, owner, name: "web")
        try await cloud.autoScaling.createAutoScalingGroup(owner, name: "web", settings: settings(template: templateID, desired: 4))
        try await cloud.autoScaling.reconcileAutoScalingGroups()
        let (_, newImage) = try await template(cloud, owner, name: "other")
        var change = LaunchTemplateData()
        change.imageID = newImage
        _ = try await cloud.launchTemplates.createLaunchTemplateVersion(
            owner,
            id: templateID,
            name: nil,
            sourceVersion: "1",
            versionDescription: nil,
            data: change
        )
        _ = try await cloud.autoScaling.startInstanceRefresh(owner, groupName: "web", minHealthyPercentage: 50, instanceWarmup: nil)
        var passes = 0
        while try await group(cloud, owner, "web").refreshes.first?.status != .successful, passes < 20 {
            try await cloud.autoScaling.reconcileAutoScalingGroups()
            passes += 1
        }
        let final = try await group(cloud, owner, "web")
        #expect(final.refreshes.first?.status == .successful)
        #expect(final.members.count == 4 && final.members.allSatisfy { $0.templateVersion == 2 && $0.imageID == change.imageID })
        #expect(passes >= 2, "a 50% minimum replaces at most two of four at a time")
    }
}
