import Foundation
import KilnCore
import KilnWire

extension EC2Front {
    static func registerInstanceAttributes(in operations: inout OperationTable, cloud: Cloud) {
        registerInstanceAttributeReads(in: &operations, cloud: cloud)
        registerInstanceAttributeChanges(in: &operations, cloud: cloud)
    }

    /// DescribeInstanceAttribute.
    static func registerInstanceAttributeReads(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.DescribeInstanceAttribute.self) { input, caller in
            let attribute = input.attribute.rawValue
            guard InstanceService.instanceAttributeNames.contains(attribute) else {
                throw CloudError.unknownInstanceAttribute(attribute)
            }
            let instance = try await cloud.instances.instance(caller, id: input.instanceId)
            var result = EC2.InstanceAttribute(instanceId: instance.id)
            switch attribute {
            case "instanceType": result.instanceType = EC2.AttributeValue(value: instance.instanceType)
            case "kernel": result.kernelId = EC2.AttributeValue(value: instance.kernelID)
            case "ramdisk": result.ramdiskId = EC2.AttributeValue(value: instance.ramdiskID)
            case "userData": result.userData = EC2.AttributeValue(value: instance.userData)
            case "disableApiTermination": result.disableApiTermination = EC2.AttributeBooleanValue(value: instance.disableApiTermination)
            case "disableApiStop": result.disableApiStop = EC2.AttributeBooleanValue(value: instance.disableApiStop)
            case "instanceInitiatedShutdownBehavior":
                result.instanceInitiatedShutdownBehavior = EC2.AttributeValue(value: instance.shutdownBehavior.rawValue)
            case "rootDeviceName": result.rootDeviceName = EC2.AttributeValue(value: instance.rootDeviceName)
            case "blockDeviceMapping": result.blockDeviceMappings = wireInstance(instance, tags: []).blockDeviceMappings
            case "productCodes": result.productCodes = instance.productCodes.map(wireProductCode)
            case "sourceDestCheck": result.sourceDestCheck = EC2.AttributeBooleanValue(value: true)
            case "groupSet":
                result.groups =
                    instance.network.map { $0.groups.map { EC2.GroupIdentifier(groupId: $0.id, groupName: $0.name) } }
                    ?? instance.securityGroupIDs.map { EC2.GroupIdentifier(groupId: $0) }
            case "ebsOptimized": result.ebsOptimized = EC2.AttributeBooleanValue(value: instance.ebsOptimized)
            case "enaSupport": result.enaSupport = EC2.AttributeBooleanValue(value: instance.enaSupport ?? false)
            default: result.sriovNetSupport = EC2.AttributeValue(value: nil)
            }
            return result
        }
    }

    /// ModifyInstanceAttribute and GetConsoleOutput.
    static func registerInstanceAttributeChanges(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.ModifyInstanceAttribute.self) { input, caller in
            if let groups = input.groups ?? (input.attribute?.rawValue == "groupSet" ? input.value.map { [$0] } : nil) {
                try await cloud.networks.modifyInstanceGroups(caller, instanceID: input.instanceId, groupIDs: groups)
                return EmptyOutput()
            }
            var changes: [InstanceAttributeChange] = []
            if let value = input.instanceType?.value { changes.append(.instanceType(value)) }
            if let value = input.userData?.value { changes.append(.userData(value.data.base64EncodedString())) }
            if let value = input.disableApiTermination?.value { changes.append(.disableApiTermination(value)) }
            if let value = input.disableApiStop?.value { changes.append(.disableApiStop(value)) }
            if let value = input.instanceInitiatedShutdownBehavior?.value { changes.append(.shutdownBehavior(value)) }
            if let value = input.ebsOptimized?.value { changes.append(.ebsOptimized(value)) }
            if let mappings = input.blockDeviceMappings {
                var byDevice: [String: Bool] = [:]
                for mapping in mappings {
                    guard let device = mapping.deviceName, let value = mapping.ebs?.deleteOnTermination else {
                        throw CloudError.missingParameter("BlockDeviceMapping.DeviceName and Ebs.DeleteOnTermination")
                    }
                    byDevice[device] = value
                }
                changes.append(.deleteOnTermination(byDevice))
            }
            // The flat form: Attribute=name with Value=text.
            if let attribute = input.attribute?.rawValue, let value = input.value {
                switch attribute {
                case "instanceType": changes.append(.instanceType(value))
                case "userData": changes.append(.userData(value))
                case "disableApiTermination": changes.append(.disableApiTermination(value == "true"))
                case "disableApiStop": changes.append(.disableApiStop(value == "true"))
                case "instanceInitiatedShutdownBehavior": changes.append(.shutdownBehavior(value))
                case "ebsOptimized": changes.append(.ebsOptimized(value == "true"))
                default: throw CloudError.invalidParameterValue("Value (\(attribute)) for parameter attribute cannot be modified by Kiln.")
                }
            }
            guard changes.count == 1 else {
                throw changes.isEmpty ? CloudError.noInstanceAttributeGiven : CloudError.oneInstanceAttributeAtATime
            }
            try await cloud.instances.modifyInstanceAttribute(caller, id: input.instanceId, change: changes[0])
            return EmptyOutput()
        }

        operations.on(EC2.GetConsoleOutput.self) { input, caller in
            let (text, at) = try await cloud.instances.consoleOutput(caller, id: input.instanceId)
            return EC2.GetConsoleOutputResult(instanceId: input.instanceId, output: Data(text.utf8).base64EncodedString(), timestamp: at)
        }
        operations.on(EC2.GetConsoleScreenshot.self) { input, caller in
            let image = try await cloud.instances.consoleScreenshot(caller, id: input.instanceId)
            return EC2.GetConsoleScreenshotResult(imageData: Data(image).base64EncodedString(), instanceId: input.instanceId)
        }
    }
}
