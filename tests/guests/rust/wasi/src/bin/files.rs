//! std::fs on a preopened directory (/sandbox): create, write, seek, overwrite, set_len,
//! sync, append, create_new on an existing file, rename, remove; directories (create_dir_all,
//! remove_dir of a non-empty one, read_dir of 1,000 entries, remove_dir_all); metadata
//! (length, kind, a modification time close to now).
use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};
use wasi_guests::outcome;

fn main() -> std::io::Result<()> {
    let root = Path::new("/sandbox");
    let data = root.join("data.txt");

    let mut file = File::create(&data)?;
    file.write_all(b"hello, world\n")?;
    println!("position after writing: {}", file.stream_position()?);
    file.seek(SeekFrom::Start(7))?;
    file.write_all(b"WORLD")?;
    file.sync_all()?;
    println!("after overwriting at 7: {:?}", fs::read_to_string(&data)?);
    file.set_len(5)?;
    println!("after set_len(5): {} bytes, {:?}", file.metadata()?.len(), fs::read_to_string(&data)?);
    drop(file);

    let mut append = OpenOptions::new().append(true).open(&data)?;
    append.write_all(b" again")?;
    drop(append);
    let mut text = String::new();
    File::open(&data)?.read_to_string(&mut text)?;
    println!("after appending: {:?}", text);
    println!("create_new over it: {}", outcome(&OpenOptions::new().write(true).create_new(true).open(&data)));

    let metadata = fs::metadata(&data)?;
    let age = SystemTime::now().duration_since(metadata.modified()?).unwrap_or(Duration::ZERO);
    println!("a file: {}, {} bytes, modified within the last minute: {}", metadata.is_file(), metadata.len(),
             age < Duration::from_secs(60));

    let renamed = root.join("renamed.txt");
    println!("rename: {}", outcome(&fs::rename(&data, &renamed)));
    println!("read the old name: {}", outcome(&fs::read(&data)));
    println!("read the new name: {:?}", fs::read_to_string(&renamed)?);
    println!("remove_file: {}", outcome(&fs::remove_file(&renamed)));
    println!("remove_file again: {}", outcome(&fs::remove_file(&renamed)));

    let nested = root.join("a/b/c");
    println!("create_dir_all a/b/c: {}", outcome(&fs::create_dir_all(&nested)));
    fs::write(nested.join("file"), "deep")?;
    println!("remove_dir a (not empty): {}", outcome(&fs::remove_dir(root.join("a"))));
    println!("a/b is a directory: {}", fs::metadata(root.join("a/b"))?.is_dir());
    println!("remove_dir_all a: {}", outcome(&fs::remove_dir_all(root.join("a"))));
    println!("a afterwards: {}", outcome(&fs::metadata(root.join("a"))));

    let many = root.join("many");
    fs::create_dir(&many)?;
    for i in 0..1000 {
        File::create(many.join(format!("entry-{:04}", i)))?;
    }
    let mut names = BTreeSet::new();
    let mut listed = 0;
    for entry in fs::read_dir(&many)? {
        names.insert(entry?.file_name().into_string().unwrap());
        listed += 1;
    }
    let wanted: BTreeSet<String> = (0..1000).map(|i| format!("entry-{:04}", i)).collect();
    println!("read_dir of 1000 files: {} entries, each name once: {}", listed, names == wanted && listed == 1000);
    // By name: removing entries while read_dir goes on may skip some where a runtime's
    // directory cookies are positions in the listing.
    for name in &wanted {
        fs::remove_file(many.join(name))?;
    }
    println!("remove_dir of the emptied directory: {}", outcome(&fs::remove_dir(&many)));
    Ok(())
}
