package dev.berth.http.server;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty's epoll event loop, with a channel that waits for nothing kept in the epoll set.
 *
 * <p>Netty 4.2.18 and 4.2.19 take a channel out of the epoll set when it asks for no event at all
 * (netty#16689: its input shut down, no read pending, no write waiting) but go on believing it is
 * in, so the next change of interest is an epoll_ctl MOD that fails with ENOENT, and the channel
 * is cut. On a connection the client half-closed, that change is the EPOLLOUT of the first write
 * that must wait for room: {@code docker run} half-closes at once when it has no stdin to send,
 * and got only a socket buffer's worth of the container's output. Here such a channel stays in
 * the set with EPOLLET alone: no event but an error or hang-up, each reported once (the fd
 * Netty once left with an empty level-triggered mask woke the loop for ever, netty#16683).
 */
final class EpollKeepingIdleChannels implements IoHandlerFactory {
    private final IoHandlerFactory epoll = EpollIoHandler.newFactory();

    @Override
    public IoHandler newHandler(ThreadAwareExecutor executor) {
        IoHandler handler = epoll.newHandler(executor);
        return new IoHandler() {
            @Override
            public void initialize() {
                handler.initialize();
            }

            @Override
            public int run(IoHandlerContext context) {
                return handler.run(context);
            }

            @Override
            public void prepareToDestroy() {
                handler.prepareToDestroy();
            }

            @Override
            public void destroy() {
                handler.destroy();
            }

            @Override
            public IoRegistration register(IoHandle handle) throws Exception {
                return new KeptRegistration(handler.register(handle));
            }

            @Override
            public void wakeup() {
                handler.wakeup();
            }

            @Override
            public boolean isCompatible(Class<? extends IoHandle> handleType) {
                return handler.isCompatible(handleType);
            }
        };
    }

    @Override
    public boolean isChangingThreadSupported() {
        return epoll.isChangingThreadSupported();
    }

    /** Passes "no interest" on as EPOLLET alone once the fd is in the set (before that, as is). */
    private static final class KeptRegistration implements IoRegistration {
        private final IoRegistration registration;
        private volatile boolean inSet;

        KeptRegistration(IoRegistration registration) {
            this.registration = registration;
        }

        @Override
        public <T> T attachment() {
            return registration.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            boolean none = EpollIoOps.NONE.equals(ops);
            long submitted = registration.submit(none && inSet ? EpollIoOps.EPOLLET : ops);
            if (!none && submitted > 0) {
                inSet = true;
            }
            return submitted;
        }

        @Override
        public boolean isValid() {
            return registration.isValid();
        }

        @Override
        public boolean cancel() {
            return registration.cancel();
        }
    }
}
