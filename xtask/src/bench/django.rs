//! The real example app as the second upstream: seeded into its own database, served by
//! gunicorn (2 workers × 4 threads) on loopback, exactly as the end-to-end tests run it.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::http::Connection;

pub struct Django {
    child: Child,
    pub base_url: String,
    pub addr: String,
}

impl Drop for Django {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(root: &Path, python: &Path, work: &Path, port: u16) -> Result<Django, String> {
    let example = root.join("example");
    let db = work.join("bench-shop.sqlite3");
    let _ = std::fs::remove_file(&db);
    let env = |cmd: &mut Command| {
        cmd.current_dir(&example)
            .env("SHOP_DB_PATH", &db)
            .env("DJANGO_SETTINGS_MODULE", "shop.settings")
            .env("PYTHONDONTWRITEBYTECODE", "1");
    };
    let mut seed = Command::new(python);
    seed.args(["manage.py", "seed"]);
    env(&mut seed);
    crate::run(seed.stdout(Stdio::null()))?;
    let addr = format!("127.0.0.1:{port}");
    let log = std::fs::File::create(work.join("gunicorn.log")).map_err(|e| e.to_string())?;
    let mut gunicorn = Command::new(python);
    gunicorn
        .args(["-m", "gunicorn", "shop.wsgi:application", "--bind", &addr])
        .args([
            "--worker-class",
            "gthread",
            "--workers",
            "2",
            "--threads",
            "4",
        ])
        .args(["--timeout", "60", "--no-control-socket"])
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log);
    env(&mut gunicorn);
    let child = gunicorn
        .spawn()
        .map_err(|e| format!("cannot start gunicorn: {e}"))?;
    let django = Django {
        child,
        base_url: format!("http://{addr}"),
        addr: addr.clone(),
    };
    super::mcp::wait_listening(&addr, Duration::from_secs(30))?;
    // Answering, not just listening.
    for _ in 0..100 {
        if let Ok(mut c) = Connection::open(&addr) {
            if c.request("GET", "/api/categories/", &[], b"")
                .is_ok_and(|r| r.status == 200)
            {
                return Ok(django);
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err("the example app did not answer /api/categories/".into())
}
