package org.strongroom.gateway;

import com.google.protobuf.Descriptors;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Every RPC generated from {@code proto/}, found through the generated {@code *Grpc} classes on the
 * classpath, so tests that walk "every RPC" pick up a new one without being edited.
 */
public final class ProtoServices {

    private ProtoServices() {
    }

    public static List<MethodDescriptor<?, ?>> methods() {
        List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
        try {
            Resource[] classes = new PathMatchingResourcePatternResolver()
                    .getResources("classpath*:org/strongroom/proto/**/*Grpc.class");
            for (Resource resource : classes) {
                String path = resource.getURL().toString();
                String name = path.substring(path.indexOf("org/strongroom/proto/"), path.length() - ".class".length())
                        .replace('/', '.');
                ServiceDescriptor service = (ServiceDescriptor) Class.forName(name)
                        .getMethod("getServiceDescriptor").invoke(null);
                methods.addAll(service.getMethods());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot enumerate the generated services", e);
        }
        return methods;
    }

    public static List<String> methodNames() {
        return methods().stream().map(MethodDescriptor::getFullMethodName).toList();
    }

    /** The request message type of a generated method. */
    public static Descriptors.Descriptor inputType(MethodDescriptor<?, ?> method) {
        return ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor().getInputType();
    }
}
