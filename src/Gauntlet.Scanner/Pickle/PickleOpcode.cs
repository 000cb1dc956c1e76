namespace Gauntlet.Scanner.Pickle;

/// <summary>
/// Every opcode of pickle protocols 0 to 5, named after CPython's <c>pickletools</c> (in
/// PascalCase) with its byte. <see cref="PickleMachine"/> dispatches on this enum in one switch;
/// a byte that is not a member is an unknown opcode.
/// </summary>
internal enum PickleOpcode : byte
{
    /// <summary><c>0x28</c> (<c>'('</c>), protocol 0: Pushes a mark object on the stack.</summary>
    Mark = 0x28,

    /// <summary><c>0x29</c> (<c>')'</c>), protocol 1: Pushes an empty tuple.</summary>
    EmptyTuple = 0x29,

    /// <summary><c>0x2E</c> (<c>'.'</c>), protocol 0: Ends the pickle; the top of the stack is the result.</summary>
    Stop = 0x2E,

    /// <summary><c>0x30</c> (<c>'0'</c>), protocol 0: Discards the top of the stack.</summary>
    Pop = 0x30,

    /// <summary><c>0x31</c> (<c>'1'</c>), protocol 1: Discards everything down to and including the topmost mark.</summary>
    PopMark = 0x31,

    /// <summary><c>0x32</c> (<c>'2'</c>), protocol 0: Pushes the top of the stack again.</summary>
    Dup = 0x32,

    /// <summary><c>0x42</c> (<c>'B'</c>), protocol 3: Pushes bytes with a 4-byte unsigned length.</summary>
    BinBytes = 0x42,

    /// <summary><c>0x43</c> (<c>'C'</c>), protocol 3: Pushes bytes with a 1-byte length.</summary>
    ShortBinBytes = 0x43,

    /// <summary><c>0x46</c> (<c>'F'</c>), protocol 0: Pushes a float written as a newline-terminated decimal.</summary>
    Float = 0x46,

    /// <summary><c>0x47</c> (<c>'G'</c>), protocol 1: Pushes an 8-byte big-endian IEEE double.</summary>
    BinFloat = 0x47,

    /// <summary><c>0x49</c> (<c>'I'</c>), protocol 0: Pushes an integer (or a bool, <c>01</c>/<c>00</c>) written as a newline-terminated decimal.</summary>
    Int = 0x49,

    /// <summary><c>0x4A</c> (<c>'J'</c>), protocol 1: Pushes a 4-byte signed little-endian integer.</summary>
    BinInt = 0x4A,

    /// <summary><c>0x4B</c> (<c>'K'</c>), protocol 1: Pushes a 1-byte unsigned integer.</summary>
    BinInt1 = 0x4B,

    /// <summary><c>0x4C</c> (<c>'L'</c>), protocol 0: Pushes an integer written as a newline-terminated decimal with an optional <c>L</c> suffix.</summary>
    Long = 0x4C,

    /// <summary><c>0x4D</c> (<c>'M'</c>), protocol 1: Pushes a 2-byte unsigned little-endian integer.</summary>
    BinInt2 = 0x4D,

    /// <summary><c>0x4E</c> (<c>'N'</c>), protocol 0: Pushes None.</summary>
    None = 0x4E,

    /// <summary><c>0x50</c> (<c>'P'</c>), protocol 0: Pushes a persistent id given as a newline-terminated string (resolved by the unpickler's persistent_load).</summary>
    PersId = 0x50,

    /// <summary><c>0x51</c> (<c>'Q'</c>), protocol 1: Pops a persistent id and pushes the object persistent_load resolves it to.</summary>
    BinPersId = 0x51,

    /// <summary><c>0x52</c> (<c>'R'</c>), protocol 0: Pops an argument tuple and a callable and pushes <c>callable(*args)</c>.</summary>
    Reduce = 0x52,

    /// <summary><c>0x53</c> (<c>'S'</c>), protocol 0: Pushes a quoted string repr, newline-terminated.</summary>
    String = 0x53,

    /// <summary><c>0x54</c> (<c>'T'</c>), protocol 1: Pushes a string with a 4-byte signed length.</summary>
    BinString = 0x54,

    /// <summary><c>0x55</c> (<c>'U'</c>), protocol 1: Pushes a string with a 1-byte length.</summary>
    ShortBinString = 0x55,

    /// <summary><c>0x56</c> (<c>'V'</c>), protocol 0: Pushes a raw-unicode-escape string, newline-terminated.</summary>
    Unicode = 0x56,

    /// <summary><c>0x58</c> (<c>'X'</c>), protocol 1: Pushes a UTF-8 string with a 4-byte unsigned length.</summary>
    BinUnicode = 0x58,

    /// <summary><c>0x5D</c> (<c>']'</c>), protocol 1: Pushes an empty list.</summary>
    EmptyList = 0x5D,

    /// <summary><c>0x61</c> (<c>'a'</c>), protocol 0: Pops a value and appends it to the list below it.</summary>
    Append = 0x61,

    /// <summary><c>0x62</c> (<c>'b'</c>), protocol 0: Pops a state and applies it to the object below it (<c>__setstate__</c> or <c>__dict__</c> update).</summary>
    Build = 0x62,

    /// <summary><c>0x63</c> (<c>'c'</c>), protocol 0: Pushes <c>module.name</c>, both newline-terminated: an import.</summary>
    Global = 0x63,

    /// <summary><c>0x64</c> (<c>'d'</c>), protocol 0: Builds a dict from the key/value pairs above the topmost mark.</summary>
    Dict = 0x64,

    /// <summary><c>0x65</c> (<c>'e'</c>), protocol 1: Appends everything above the topmost mark to the list below it.</summary>
    Appends = 0x65,

    /// <summary><c>0x67</c> (<c>'g'</c>), protocol 0: Pushes a memo entry; index as a newline-terminated decimal.</summary>
    Get = 0x67,

    /// <summary><c>0x68</c> (<c>'h'</c>), protocol 1: Pushes a memo entry; 1-byte index.</summary>
    BinGet = 0x68,

    /// <summary><c>0x69</c> (<c>'i'</c>), protocol 0: Imports <c>module.name</c> (newline-terminated) and calls it with the values above the topmost mark.</summary>
    Inst = 0x69,

    /// <summary><c>0x6A</c> (<c>'j'</c>), protocol 1: Pushes a memo entry; 4-byte unsigned index.</summary>
    LongBinGet = 0x6A,

    /// <summary><c>0x6C</c> (<c>'l'</c>), protocol 0: Builds a list from the values above the topmost mark.</summary>
    List = 0x6C,

    /// <summary><c>0x6F</c> (<c>'o'</c>), protocol 1: Calls the first value above the topmost mark with the rest as arguments.</summary>
    Obj = 0x6F,

    /// <summary><c>0x70</c> (<c>'p'</c>), protocol 0: Stores the top of the stack in the memo; index as a newline-terminated decimal.</summary>
    Put = 0x70,

    /// <summary><c>0x71</c> (<c>'q'</c>), protocol 1: Stores the top of the stack in the memo; 1-byte index.</summary>
    BinPut = 0x71,

    /// <summary><c>0x72</c> (<c>'r'</c>), protocol 1: Stores the top of the stack in the memo; 4-byte unsigned index.</summary>
    LongBinPut = 0x72,

    /// <summary><c>0x73</c> (<c>'s'</c>), protocol 0: Pops a value and a key and sets them on the dict below.</summary>
    SetItem = 0x73,

    /// <summary><c>0x74</c> (<c>'t'</c>), protocol 0: Builds a tuple from the values above the topmost mark.</summary>
    Tuple = 0x74,

    /// <summary><c>0x75</c> (<c>'u'</c>), protocol 1: Sets the key/value pairs above the topmost mark on the dict below it.</summary>
    SetItems = 0x75,

    /// <summary><c>0x7D</c> (<c>'}'</c>), protocol 1: Pushes an empty dict.</summary>
    EmptyDict = 0x7D,

    /// <summary><c>0x80</c>, protocol 2: Declares the protocol version (1-byte argument).</summary>
    Proto = 0x80,

    /// <summary><c>0x81</c>, protocol 2: Pops an argument tuple and a class and pushes <c>cls.__new__(cls, *args)</c>.</summary>
    NewObj = 0x81,

    /// <summary><c>0x82</c>, protocol 2: Pushes the callable registered in copyreg's extension registry under a 1-byte code.</summary>
    Ext1 = 0x82,

    /// <summary><c>0x83</c>, protocol 2: Pushes the callable registered in copyreg's extension registry under a 2-byte code.</summary>
    Ext2 = 0x83,

    /// <summary><c>0x84</c>, protocol 2: Pushes the callable registered in copyreg's extension registry under a 4-byte code.</summary>
    Ext4 = 0x84,

    /// <summary><c>0x85</c>, protocol 2: Builds a tuple from the top value.</summary>
    Tuple1 = 0x85,

    /// <summary><c>0x86</c>, protocol 2: Builds a tuple from the top two values.</summary>
    Tuple2 = 0x86,

    /// <summary><c>0x87</c>, protocol 2: Builds a tuple from the top three values.</summary>
    Tuple3 = 0x87,

    /// <summary><c>0x88</c>, protocol 2: Pushes True.</summary>
    NewTrue = 0x88,

    /// <summary><c>0x89</c>, protocol 2: Pushes False.</summary>
    NewFalse = 0x89,

    /// <summary><c>0x8A</c>, protocol 2: Pushes a little-endian two's-complement integer with a 1-byte length.</summary>
    Long1 = 0x8A,

    /// <summary><c>0x8B</c>, protocol 2: Pushes a little-endian two's-complement integer with a 4-byte signed length.</summary>
    Long4 = 0x8B,

    /// <summary><c>0x8C</c>, protocol 4: Pushes a UTF-8 string with a 1-byte length.</summary>
    ShortBinUnicode = 0x8C,

    /// <summary><c>0x8D</c>, protocol 4: Pushes a UTF-8 string with an 8-byte length.</summary>
    BinUnicode8 = 0x8D,

    /// <summary><c>0x8E</c>, protocol 4: Pushes bytes with an 8-byte length.</summary>
    BinBytes8 = 0x8E,

    /// <summary><c>0x8F</c>, protocol 4: Pushes an empty set.</summary>
    EmptySet = 0x8F,

    /// <summary><c>0x90</c>, protocol 4: Adds everything above the topmost mark to the set below it.</summary>
    AddItems = 0x90,

    /// <summary><c>0x91</c>, protocol 4: Builds a frozenset from the values above the topmost mark.</summary>
    FrozenSet = 0x91,

    /// <summary><c>0x92</c>, protocol 4: Pops kwargs, an argument tuple and a class and pushes <c>cls.__new__(cls, *args, **kwargs)</c>.</summary>
    NewObjEx = 0x92,

    /// <summary><c>0x93</c>, protocol 4: Pops a name and a module (strings) and pushes <c>module.name</c>: an import.</summary>
    StackGlobal = 0x93,

    /// <summary><c>0x94</c>, protocol 4: Stores the top of the stack in the next free memo slot.</summary>
    Memoize = 0x94,

    /// <summary><c>0x95</c>, protocol 4: Starts a frame of the given 8-byte length (a read-ahead hint).</summary>
    Frame = 0x95,

    /// <summary><c>0x96</c>, protocol 5: Pushes a bytearray with an 8-byte length.</summary>
    ByteArray8 = 0x96,

    /// <summary><c>0x97</c>, protocol 5: Pushes the next out-of-band buffer.</summary>
    NextBuffer = 0x97,

    /// <summary><c>0x98</c>, protocol 5: Makes the top of the stack a read-only view.</summary>
    ReadOnlyBuffer = 0x98,
}
