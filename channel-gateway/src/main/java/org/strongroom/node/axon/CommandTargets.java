package org.strongroom.node.axon;

import java.lang.annotation.Annotation;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.annotation.AnnotationUtils;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;

/**
 * Finds the aggregate a command is for, as Axon's annotation-based resolver does ({@link
 * TargetAggregateIdentifier} and {@link TargetAggregateVersion} on a field or a no-argument method,
 * meta-annotations included), but looks each command class's members up once instead of on every
 * command: Axon's resolver searched the class's members and their annotations for every command it
 * routed, a few per cent of a transfer's CPU.
 */
public final class CommandTargets implements CommandTargetResolver {

    private record Target(AccessibleObject identifier, AccessibleObject version) {
    }

    private final ClassValue<Target> targets = new ClassValue<>() {
        @Override
        protected Target computeValue(Class<?> type) {
            return new Target(member(type, TargetAggregateIdentifier.class),
                    member(type, TargetAggregateVersion.class));
        }
    };

    @Override
    public VersionedAggregateIdentifier resolveTarget(CommandMessage<?> command) {
        Object payload = command.getPayload();
        Target target = targets.get(payload.getClass());
        Object identifier = target.identifier() == null ? null : read(target.identifier(), payload);
        if (identifier == null) {
            throw new IllegalArgumentException("Invalid command. It does not identify the target aggregate: "
                    + payload.getClass().getName() + " needs a non-null @TargetAggregateIdentifier field or method");
        }
        Object version = target.version() == null ? null : read(target.version(), payload);
        return new VersionedAggregateIdentifier(identifier,
                version == null ? null : version instanceof Number number ? Long.valueOf(number.longValue())
                        : Long.valueOf(version.toString()));
    }

    /** The first field, or else no-argument method, with the annotation (the class first, then its superclasses). */
    private static AccessibleObject member(Class<?> type, Class<? extends Annotation> annotation) {
        List<AccessibleObject> candidates = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    candidates.add(field);
                }
            }
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                if (method.getParameterCount() == 0 && !Modifier.isStatic(method.getModifiers())) {
                    candidates.add(method);
                }
            }
        }
        for (AccessibleObject candidate : candidates) {
            if (AnnotationUtils.isAnnotationPresent(candidate, annotation)) {
                candidate.setAccessible(true);
                return candidate;
            }
        }
        return null;
    }

    private static Object read(AccessibleObject member, Object payload) {
        try {
            return member instanceof Field field ? field.get(payload) : ((Method) member).invoke(payload);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + ((Member) member).getName() + " of "
                    + payload.getClass().getName(), e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("reading the target of " + payload.getClass().getName() + " failed",
                    e.getCause());
        }
    }
}
