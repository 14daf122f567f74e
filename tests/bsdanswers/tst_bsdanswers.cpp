// SPDX-License-Identifier: BSD-3-Clause
//
// Where macOS and the BSD kernels answer differently from Linux, the
// behaviour stays: a live listener's socket file is never removed, and a
// link where the lock file goes is refused. Run on Linux with their answers
// given (tests/support/bsdanswers.cpp, LD_PRELOAD), against the library
// built with the rule those systems compile.

#include "../ipcsocket/peerprocess.h"

#include <socketfile.h>

#include <ipcserversocket.h>
#include <ipcsocket.h>

#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr int Timeout = 20000;

sockaddr_un addressOf(const QString &path)
{
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    qstrncpy(address.sun_path, QFile::encodeName(path).constData(), sizeof(address.sun_path));
    return address;
}

// A listener of another program: a plain AF_UNIX socket, no lock file,
// whose queue is full, as a busy server's is.
class FullListener
{
public:
    bool listen(const QString &path)
    {
        m_listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
        const sockaddr_un address = addressOf(path);
        if (m_listener < 0
            || ::bind(m_listener, reinterpret_cast<const sockaddr *>(&address), sizeof(address))
                       != 0
            || ::listen(m_listener, 0) != 0)
            return false;
        // Connect until the queue takes no more; the last answer is what a
        // probe gets.
        for (int i = 0; i < 64; ++i) {
            const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
            if (fd < 0)
                return false;
            m_waiting.push_back(fd);
            if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0) {
                m_fullAnswer = errno;
                return true;
            }
        }
        return false;
    }
    int fullAnswer() const { return m_fullAnswer; }
    // Takes one waiting connection: the listener is alive and it is its file.
    bool acceptOne()
    {
        const int fd = ::accept(m_listener, nullptr, nullptr);
        if (fd < 0)
            return false;
        ::close(fd);
        return true;
    }
    ~FullListener()
    {
        for (const int fd : m_waiting)
            ::close(fd);
        if (m_listener >= 0)
            ::close(m_listener);
    }

private:
    int m_listener = -1;
    int m_fullAnswer = 0;
    std::vector<int> m_waiting;
};

quint64 inodeOf(const QString &path)
{
    struct stat st;
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? quint64(st.st_ino) : 0;
}

} // namespace

class tst_BsdAnswers : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void answersAreGiven();
    void fullQueueKeepsItsFile_data();
    void fullQueueKeepsItsFile();
    void killedListenerDoesNotBlock();
    void staleFileWithoutLockIsNotGuessed();
    void linkWhereTheLockGoesIsRefused_data();
    void linkWhereTheLockGoesIsRefused();

private:
    QString socketPath() const { return m_dir->filePath(QStringLiteral("s.sock")); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_BsdAnswers::init()
{
    m_dir = std::make_unique<QTemporaryDir>(
            SocketFile::temporaryFolderTemplate(QStringLiteral("bsd")));
    QVERIFY(m_dir->isValid());
}

// Without them this test proves nothing: ctest starts it with LD_PRELOAD.
void tst_BsdAnswers::answersAreGiven()
{
    FullListener listener;
    QVERIFY(listener.listen(socketPath()));
    QCOMPARE(listener.fullAnswer(), ECONNREFUSED);

    const QString link = m_dir->filePath(QStringLiteral("link"));
    QVERIFY(QFile::link(m_dir->filePath(QStringLiteral("target")), link));
    QCOMPARE(::open(QFile::encodeName(link).constData(), O_RDWR | O_CREAT | O_NOFOLLOW, 0600), -1);
    QCOMPARE(errno, EMLINK);
}

void tst_BsdAnswers::fullQueueKeepsItsFile_data()
{
    QTest::addColumn<bool>("server");
    QTest::newRow("IPCSocket") << false;
    QTest::newRow("IPCServerSocket") << true;
}

// ECONNREFUSED from a full queue is not a stale file: with no lock of ours
// to decide, the file stays, and listen() says why.
void tst_BsdAnswers::fullQueueKeepsItsFile()
{
    QFETCH(bool, server);
    FullListener live;
    QVERIFY(live.listen(socketPath()));
    const quint64 inode = inodeOf(socketPath());
    QVERIFY(inode != 0);

    int code = 0;
    QString message;
    if (server) {
        IPCServerSocket thief;
        thief.setPath(socketPath());
        QSignalSpy errors(&thief, &IPCServerSocket::error);
        QVERIFY(!thief.listen());
        QVERIFY(!thief.isListening());
        QCOMPARE(errors.size(), 1);
        code = errors.at(0).at(0).toInt();
        message = errors.at(0).at(1).toString();
    } else {
        IPCSocket thief;
        thief.setPath(socketPath());
        QSignalSpy errors(&thief, &IPCSocket::error);
        QVERIFY(!thief.listen());
        QVERIFY(!thief.isListening());
        QCOMPARE(errors.size(), 1);
        code = errors.at(0).at(0).toInt();
        message = errors.at(0).at(1).toString();
    }
    QCOMPARE(code, int(IPCSocket::AddressInUseError));
    QVERIFY2(message.contains(socketPath()), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("queue is full")), qPrintable(message));
    QCOMPARE(inodeOf(socketPath()), inode);
    QVERIFY(live.acceptOne());
}

// A killed listener of ours leaves its socket file and its lock file: the
// free lock decides that the file is stale, though connect() cannot.
void tst_BsdAnswers::killedListenerDoesNotBlock()
{
    Peer doomed({QStringLiteral("listen"), socketPath(), QStringLiteral("echo")});
    QCOMPARE(doomed.waitForLine("listening"), QByteArray("listening"));
    doomed.kill();
    QVERIFY(doomed.waitForFinished(Timeout));
    QVERIFY(QFileInfo::exists(socketPath()));
    QVERIFY(QFileInfo::exists(socketPath() + QStringLiteral(".lock")));

    IPCSocket next;
    next.setPath(socketPath());
    QSignalSpy errors(&next, &IPCSocket::error);
    QVERIFY(next.listen());
    QCOMPARE(errors.size(), 0);
    IPCSocket client;
    client.setPath(socketPath());
    QVERIFY(client.connect());
    QTRY_VERIFY_WITH_TIMEOUT(next.isConnected(), Timeout);
}

// A stale file that no listener of ours left (no lock file) answers as a
// full queue does: it is kept, and listen() says what to do.
void tst_BsdAnswers::staleFileWithoutLockIsNotGuessed()
{
    QVERIFY(SocketFile::makeStale(socketPath()));
    IPCSocket socket;
    socket.setPath(socketPath());
    QSignalSpy errors(&socket, &IPCSocket::error);
    QVERIFY(!socket.listen());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toInt(), int(IPCSocket::AddressInUseError));
    const QString message = errors.at(0).at(1).toString();
    QVERIFY2(message.contains(socketPath()), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("remove the file")), qPrintable(message));
    QVERIFY(QFileInfo::exists(socketPath()));
}

void tst_BsdAnswers::linkWhereTheLockGoesIsRefused_data()
{
    QTest::addColumn<bool>("server");
    QTest::newRow("IPCSocket") << false;
    QTest::newRow("IPCServerSocket") << true;
}

// FreeBSD answers EMLINK where Linux answers ELOOP: refused all the same.
void tst_BsdAnswers::linkWhereTheLockGoesIsRefused()
{
    QFETCH(bool, server);
    const QString lock = socketPath() + QStringLiteral(".lock");
    const QString target = m_dir->filePath(QStringLiteral("elsewhere"));
    QVERIFY(QFile::link(target, lock));

    int code = 0;
    QString message;
    if (server) {
        IPCServerSocket socket;
        socket.setPath(socketPath());
        QSignalSpy errors(&socket, &IPCServerSocket::error);
        QVERIFY(!socket.listen());
        QCOMPARE(errors.size(), 1);
        code = errors.at(0).at(0).toInt();
        message = errors.at(0).at(1).toString();
    } else {
        IPCSocket socket;
        socket.setPath(socketPath());
        QSignalSpy errors(&socket, &IPCSocket::error);
        QVERIFY(!socket.listen());
        QCOMPARE(errors.size(), 1);
        code = errors.at(0).at(0).toInt();
        message = errors.at(0).at(1).toString();
    }
    QCOMPARE(code, int(IPCSocket::InvalidPathError));
    QVERIFY2(message.contains(lock), qPrintable(message));
    QVERIFY(!QFileInfo::exists(socketPath()));
    QVERIFY(!QFileInfo::exists(target));
    QVERIFY(QFileInfo(lock).isSymLink());
}

QTEST_GUILESS_MAIN(tst_BsdAnswers)
#include "tst_bsdanswers.moc"
