package io.github.kimisdk.buildcheck;

import java.io.DataInputStream;
import java.io.IOException;

/** The constant pool of one class file, read from just after its magic number and versions. */
final class ConstantPool {

  static final int UTF8 = 1;
  static final int INTEGER = 3;
  static final int FLOAT = 4;
  static final int LONG = 5;
  static final int DOUBLE = 6;
  static final int CLASS = 7;
  static final int STRING = 8;
  static final int FIELDREF = 9;
  static final int METHODREF = 10;
  static final int INTERFACE_METHODREF = 11;
  static final int NAME_AND_TYPE = 12;
  static final int METHOD_HANDLE = 15;
  static final int METHOD_TYPE = 16;
  static final int DYNAMIC = 17;
  static final int INVOKE_DYNAMIC = 18;
  static final int MODULE = 19;
  static final int PACKAGE = 20;

  /** The number of slots; slot 0 and the second slot of eight-byte constants are unused. */
  final int count;

  /** Each slot's tag, 0 where unused. */
  final int[] tags;

  /** The text of {@code UTF8} slots. */
  final String[] utf8;

  /**
   * The first index of a slot: the name of a class, string, method type, module or package; the
   * class of a member reference; the name of a name-and-type; the reference kind of a handle.
   */
  final int[] first;

  /** The second index of a slot: a member's name-and-type, a descriptor, a handle's reference. */
  final int[] second;

  private ConstantPool(int count) {
    this.count = count;
    this.tags = new int[count];
    this.utf8 = new String[count];
    this.first = new int[count];
    this.second = new int[count];
  }

  /** Reads the magic number, the versions and the constant pool from the start of a class file. */
  static ConstantPool read(DataInputStream in) throws IOException {
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("bad magic number");
    }
    in.readUnsignedShort(); // minor version
    in.readUnsignedShort(); // major version
    ConstantPool pool = new ConstantPool(in.readUnsignedShort());
    for (int i = 1; i < pool.count; i++) {
      int tag = in.readUnsignedByte();
      pool.tags[i] = tag;
      switch (tag) {
        case UTF8 -> pool.utf8[i] = in.readUTF(); // u2 length + modified UTF-8, as DataInput reads
        case INTEGER, FLOAT -> in.readInt();
        case LONG, DOUBLE -> {
          in.readLong();
          i++; // eight-byte constants take two slots
        }
        case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> pool.first[i] = in.readUnsignedShort();
        case FIELDREF, METHODREF, INTERFACE_METHODREF, NAME_AND_TYPE, DYNAMIC, INVOKE_DYNAMIC -> {
          pool.first[i] = in.readUnsignedShort();
          pool.second[i] = in.readUnsignedShort();
        }
        case METHOD_HANDLE -> {
          pool.first[i] = in.readUnsignedByte();
          pool.second[i] = in.readUnsignedShort();
        }
        default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
      }
    }
    return pool;
  }

  /** The name a {@code CLASS} slot gives. */
  String className(int classSlot) {
    return utf8[first[classSlot]];
  }
}
