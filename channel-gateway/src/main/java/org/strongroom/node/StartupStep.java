package org.strongroom.node;

import org.springframework.context.SmartLifecycle;

/**
 * Work the node does once as it starts, at a chosen point of Spring's start-up order ({@link #getPhase});
 * nothing to undo when it stops.
 */
public abstract class StartupStep implements SmartLifecycle {

    private final int phase;
    private volatile boolean running;

    protected StartupStep(int phase) {
        this.phase = phase;
    }

    /** The step's work; an exception stops the node's start. */
    protected abstract void run();

    @Override
    public final void start() {
        run();
        running = true;
    }

    @Override
    public final void stop() {
        running = false;
    }

    @Override
    public final boolean isRunning() {
        return running;
    }

    @Override
    public final int getPhase() {
        return phase;
    }
}
