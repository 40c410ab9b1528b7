package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What docker-py (5.0.3, Debian's python3-docker) sees of Berth where its behaviour is the
 * client's own: the statuses and stream shapes it branches on.
 */
class DockerPyIT {
    private static BerthDaemon daemon;

    @BeforeAll
    static void startDaemon() {
        DockerPy.require();
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.removeAllContainers();
            daemon.close();
        }
    }

    private static String py(String script) {
        return DockerPy.run(daemon, script).ok();
    }

    @Test
    void leavingASwarmByForceOutsideOneIsNoError() {
        assertThat(py("""
                        print(client.swarm.leave(force=True))
                        try:
                            client.swarm.leave()
                        except docker.errors.APIError as e:
                            print(e.status_code, e.explanation)
                        """)).isEqualTo("True\n503 This node is not part of a swarm\n");
    }

    @Test
    void loadingSomethingThatIsNoTarRaisesImageLoadError() {
        assertThat(py("""
                        try:
                            client.images.load(b'this is not a tar archive\\n' * 100)
                        except docker.errors.ImageLoadError as e:
                            print('ImageLoadError')
                        """)).isEqualTo("ImageLoadError\n");
    }

    /** docker-py's own test_exec_start_socket: a Tty exec started with its default Tty=False. */
    @Test
    void anExecCreatedWithTtyRunsOnATerminalAndStreamsItInStdoutFrames() {
        assertThat(py("""
                        import struct
                        c = api.create_container('busybox', 'cat', detach=True, stdin_open=True)
                        api.start(c)
                        try:
                            e = api.exec_create(c, ['sh', '-c', 'tty; printf yay'], tty=True)
                            sock = api.exec_start(e, socket=True)
                            sock = getattr(sock, '_sock', sock)
                            data = b''
                            while True:
                                chunk = sock.recv(4096)
                                if not chunk:
                                    break
                                data += chunk
                            # a terminal hands out what the command wrote in as many reads as it
                            # likes: one frame per read, every one on stdout
                            streams, text = set(), ''
                            while data:
                                stream, size = struct.unpack('>BxxxL', data[:8])
                                streams.add(stream)
                                text += data[8:8 + size].decode()
                                data = data[8 + size:]
                            print(sorted(streams), text)
                        finally:
                            api.remove_container(c, force=True)
                        """)).isEqualTo("[1] /dev/pts/0\r\nyay\n");
    }

    /**
     * The daemon watches an attach's and an exec's input for the detach keys (the docker CLI
     * watches on its side too; a client such as docker-py relies on the daemon's): the stream
     * ends, and the container and the exec's process run on.
     */
    @Test
    void theDetachKeysEndAnAttachAndAnExecStreamAndLeaveThemRunning() {
        assertThat(py("""
                        import socket, time
                        def detach(sock, keys):
                            sock = sock._sock
                            sock.settimeout(60)
                            for key in keys:
                                sock.sendall(bytes([key]))
                                time.sleep(0.2)
                            try:
                                while sock.recv(4096):
                                    pass
                                return 'ended'
                            except socket.timeout:
                                return 'still attached'
                        since = int(time.time()) - 1
                        c = api.create_container('busybox', 'sh', stdin_open=True, tty=True)
                        api.start(c)
                        s = api.attach_socket(c, params={'stdin': 1, 'stdout': 1, 'stream': 1, 'detachKeys': 'ctrl-x'})
                        print('attach', detach(s, b'\\x18'), api.inspect_container(c)['State']['Running'])
                        e = api.exec_create(c, 'sh', stdin=True, tty=True)
                        s = api.exec_start(e, socket=True, tty=True)
                        print('exec', detach(s, b'\\x10\\x11'), api.exec_inspect(e)['Running'])
                        actions = [x['Action'] for x in api.events(since=since, until=int(time.time()) + 1, decode=True)]
                        print([a for a in actions if a.endswith('detach')])
                        api.remove_container(c, force=True)
                        """)).isEqualTo("attach ended True\nexec ended True\n['detach', 'exec_detach']\n");
    }

    /**
     * docker-py's test_run_with_auto_remove_error, without its sleep: docker-py asks for the logs
     * and sends its wait after the start, so a container that fails at once must still be there
     * when they arrive (a 404 there was raised as NotFound, not as ContainerError).
     */
    @Test
    void runWithAutoRemoveReportsAFailedCommandAsContainerError() {
        assertThat(py("""
                        for i in range(5):
                            try:
                                client.containers.run('busybox', 'sh -c ">&2 echo error && exit 1"', auto_remove=True)
                            except docker.errors.ContainerError as e:
                                print('ContainerError', e.exit_status, e.stderr)
                        """)).isEqualTo("ContainerError 1 None\n".repeat(5));
    }

    /** docker-py's test_run_with_auto_remove, without its sleep: the output, and then the container goes. */
    @Test
    void runWithAutoRemoveReturnsTheOutputAndTheContainerGoes() {
        assertThat(py("""
                        print(client.containers.run('busybox', 'echo hello', name='self-removing', auto_remove=True))
                        print(api.wait('self-removing', condition='removed')['StatusCode'])
                        print(api.containers(all=True, filters={'name': 'self-removing'}))
                        """)).isEqualTo("b'hello\\n'\n0\n[]\n");
    }

    /**
     * An AutoRemove container answers inspect and logs once a wait for its exit (next-exit, or
     * not-running: docker-py's default) has returned, and goes afterwards: a wait for its
     * removal returns, and then it is gone.
     */
    @Test
    void anAutoRemoveContainerCanBeInspectedAndItsLogsReadWhenTheWaitForItsExitReturns() {
        assertThat(py("""
                        import threading
                        hc = api.create_host_config(auto_remove=True)
                        for condition in ['next-exit', 'not-running']:
                            c = api.create_container('busybox', ['sh', '-c', 'sleep 1; echo out; echo err >&2; exit 3'],
                                                     host_config=hc)
                            waited = {}
                            if condition == 'next-exit':
                                # registered before the start; the command's sleep covers the request's way
                                t = threading.Thread(target=lambda: waited.update(api.wait(c, timeout=60, condition='next-exit')))
                                t.start()
                                api.start(c)
                                t.join()
                            else:
                                api.start(c)
                                waited = api.wait(c, timeout=60)
                            print(condition, waited['StatusCode'], api.inspect_container(c)['State']['ExitCode'],
                                  api.logs(c, stdout=True, stderr=False), api.logs(c, stdout=False, stderr=True))
                            print(api.wait(c, timeout=60, condition='removed')['StatusCode'])
                            try:
                                api.inspect_container(c)
                            except docker.errors.NotFound:
                                print('gone')
                        """)).isEqualTo("""
                        next-exit 3 3 b'out\\n' b'err\\n'
                        3
                        gone
                        not-running 3 3 b'out\\n' b'err\\n'
                        3
                        gone
                        """);
    }

    /**
     * The races of rm -f, rename and commit with a container's exit: each request comes right
     * after the start of a container that exits at once, so it meets the exit being handled (the
     * CLI's own start-up is longer than that window; docker-py's requests are not).
     */
    @Test
    void forcedRmRenameAndCommitOfAnExitingContainerDoWhatTheySay() {
        String out = py("""
                failures = []
                for i in range(30):
                    c = api.create_container('busybox', ['sh', '-c', 'echo %d > /f' % i])
                    api.start(c)
                    try:
                        if i % 3 == 0:
                            api.remove_container(c, force=True)
                            if api.containers(all=True, filters={'id': c['Id']}):
                                failures.append('rm %d left the container' % i)
                            continue
                        if i % 3 == 1:
                            api.rename(c, 'renamed-%d' % i)
                        else:
                            api.commit(c, 'committed', str(i))
                        api.wait(c)
                        state = api.inspect_container(c)
                        if i % 3 == 1 and state['Name'] != '/renamed-%d' % i:
                            failures.append('rename %d: %s' % (i, state['Name']))
                        if state['State']['Status'] != 'exited':
                            failures.append('%d: %s' % (i, state['State']['Status']))
                    except docker.errors.APIError as e:
                        failures.append('%d: %s' % (i, e))
                    api.remove_container(c, force=True)
                print(failures)
                """);
        assertThat(out).isEqualTo("[]\n");
    }
}
